package probe

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// haveV4ISA runs a sign-extending move (MOVSX, ISA v4: a register move
// with off 8) of 200 and checks that the result is -56. Kernels before 6.6
// do not reject the instruction: they ignore its off and move 200. Nor do
// they all reject cilium/ebpf's features.HaveV4ISA program, a 32-bit
// offset jump (gotol): Debian's 6.1.192 loads it, so that probe claims v4
// on a kernel without it. Only running the instruction tells.
func haveV4ISA() error {
	movsx := asm.MovSX8.Reg(asm.R0, asm.R1) // encoded as a move with off 8
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type: ebpf.SocketFilter, License: "MIT",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R1, 200), movsx, asm.Return()},
	})
	if err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return fmt.Errorf("%w: a sign-extending move is rejected (%v)", ebpf.ErrNotSupported, err)
		}
		return err
	}
	defer prog.Close()
	ret, err := prog.Run(&ebpf.RunOptions{Data: make([]byte, 14)})
	switch {
	case err != nil:
		return err
	case int32(ret) == -56:
		return nil
	case ret == 200:
		return fmt.Errorf("%w: the kernel runs a sign-extending move of 200 from 8 bits as a plain move (ISA v4 sign extension ignored)", ebpf.ErrNotSupported)
	}
	return fmt.Errorf("a sign-extending move of 200 from 8 bits gave %d", int32(ret))
}
