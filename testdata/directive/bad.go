// want +1 `bad //bpfcompat:kernel directive: invalid kernel version "5.x"`
//bpfcompat:kernel 5.x

// want +1 `bad //bpfcompat:kernel directive: kernel 99.1 is newer than the newest release in the specs`
//bpfcompat:kernel 99.1

package directive

// want +1 `//bpfcompat:kernel must come before the package clause; here it has no effect`
//bpfcompat:kernel 5.10
