package probe

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// haveV4ISA loads a program of ISA v4 instructions the verifier decodes
// the same way in every release: a sign-extending move (MOVSX: a register
// move with off 8) and a signed division (off 1). Before 6.6 the verifier
// rejects a non-zero off in either ("uses reserved fields").
//
// cilium/ebpf's features.HaveV4ISA loads a 32-bit-offset jump (gotol,
// BPF_JMP32|BPF_JA) instead, which kernels before 6.6 do not all reject:
// Debian's 6.1.192 loads it, decoding it as a conditional jump that falls
// through, so that probe claims v4 on a kernel without it.
func haveV4ISA() error {
	movsx := asm.Mov.Reg(asm.R0, asm.R1)
	movsx.Offset = 8 // sign-extend from 8 bits
	sdiv := asm.Div.Imm(asm.R0, 3)
	sdiv.Offset = 1 // signed
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type: ebpf.SocketFilter, License: "MIT",
		Instructions: asm.Instructions{
			asm.Mov.Imm(asm.R1, 200),
			movsx,
			sdiv,
			asm.Mov.Imm(asm.R0, 0),
			asm.Return(),
		},
	})
	if errors.Is(err, ebpf.ErrNotSupported) {
		return err
	}
	if err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return fmt.Errorf("%w: sign-extending move and signed division rejected (%v)", ebpf.ErrNotSupported, err)
		}
		return err
	}
	prog.Close()
	return nil
}
