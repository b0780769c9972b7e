// Command objmain loads objlib's object: nothing imports a main package,
// so an exported function here answers for its loads itself.
package main

import "bpfcompat.test/objlib"

func Run() error {
	return objlib.Load() // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
}

func main() {
	if err := Run(); err != nil {
		panic(err)
	}
}
