// Package cfgopt holds a daemon's global configuration, the way cilium's // want package:"sets config bpfcompat.test/cfgopt.DaemonConfig.EnableHooks without a probe"
// option package does: a struct type and a package variable of it, whose
// fields other packages set and read.
package cfgopt

// DaemonConfig is what the daemon was asked to do, and what it found the
// kernel can do.
type DaemonConfig struct {
	// EnablePeer is set by the daemon, and cleared when the kernel lacks
	// the getpeername hooks.
	EnablePeer bool
	// EnablePeer6 is the same for IPv6, but set true by hand elsewhere too.
	EnablePeer6 bool
	// EnableHooks comes from the command line.
	EnableHooks bool
	// EnableUnset is never written: a write may be anywhere.
	EnableUnset bool
}

// Config is the daemon's configuration.
var Config = &DaemonConfig{}

// Populate sets what the command line says.
func Populate(hooks bool) {
	Config.EnableHooks = hooks
}
