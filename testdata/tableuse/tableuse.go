// Package tableuse loads programs that call helpers another package
// probed from tables.
package tableuse

import (
	"github.com/cilium/ebpf/asm"

	"bpfcompat.test/tablelib"
)

// A true first result of a (bool, string) check proves what it probed.
func vmaLookup(kprobe bool) asm.Instructions {
	if enabled, _ := tablelib.VMALookupSupported(kprobe); !enabled {
		return nil
	}
	return asm.Instructions{asm.FnFindVma.Call(), asm.FnGetCurrentTaskBtf.Call()}
}

// The result kept in a variable and tested after, as the tracer does.
func vmaLookupKept(kprobe bool) asm.Instructions {
	enabled, reason := tablelib.VMALookupSupported(kprobe)
	if enabled {
		return asm.Instructions{asm.FnFindVma.Call()}
	}
	println(reason)
	return nil
}

func loopHelpers() asm.Instructions {
	if tablelib.LoopHelpersSupported() != nil {
		return nil
	}
	return asm.Instructions{asm.FnLoop.Call(), asm.FnForEachMapElem.Call()}
}

// Twins: the false result, and the checks that prove no entry of their
// tables.
func vmaLookupWhenFalse(kprobe bool) asm.Instructions {
	if enabled, _ := tablelib.VMALookupSupported(kprobe); enabled {
		return nil
	}
	return asm.Instructions{asm.FnFindVma.Call()} // want `bpf_find_vma requires Linux 5.17`
}

func anyRedirect() asm.Instructions {
	if !tablelib.AnyRedirectSupported() {
		return nil
	}
	return asm.Instructions{asm.FnRedirectNeigh.Call()} // want `bpf_redirect_neigh requires Linux 5.10`
}

func firstRedirect() asm.Instructions {
	if !tablelib.FirstRedirectSupported() {
		return nil
	}
	return asm.Instructions{asm.FnRedirectPeer.Call()} // want `bpf_redirect_peer requires Linux 5.10`
}

func timestampsProbed() asm.Instructions {
	if ok, _ := tablelib.TimestampsProbed(); !ok {
		return nil
	}
	return asm.Instructions{asm.FnSkbSetTstamp.Call()} // want `bpf_skb_set_tstamp requires Linux 5.18`
}

func timestamps() asm.Instructions {
	if !tablelib.TimestampsSupported(false) {
		return nil
	}
	return asm.Instructions{asm.FnKtimeGetTaiNs.Call()} // want `bpf_ktime_get_tai_ns requires Linux 6.1`
}

func ringbuf() asm.Instructions {
	if !tablelib.RingbufHelpersSupported() {
		return nil
	}
	return asm.Instructions{asm.FnRingbufReserve.Call()} // want `bpf_ringbuf_reserve requires Linux 5.8`
}

func sysHelpers() asm.Instructions {
	if !tablelib.SysHelpersSupported() {
		return nil
	}
	return asm.Instructions{asm.FnSysBpf.Call()} // want `bpf_sys_bpf requires Linux 5.14`
}

func sockHelpers() asm.Instructions {
	if !tablelib.SockHelpersSupported() {
		return nil
	}
	return asm.Instructions{asm.FnGetNetnsCookie.Call(), asm.FnSkAssign.Call()}
}

func iterHelpers() asm.Instructions {
	if !tablelib.IterHelpersSupported() { // want `bpf_seq_printf requires Linux 5.8`
		return nil
	}
	return asm.Instructions{asm.FnSeqWrite.Call()} // want `bpf_seq_write requires Linux 5.8`
}

func btfLoad() asm.Instructions {
	if ok, reason := tablelib.BTFLoadSupported(); !ok {
		println(reason)
		return asm.Instructions{asm.FnBtfFindByNameKind.Call()} // want `bpf_btf_find_by_name_kind requires Linux 5.14`
	}
	return asm.Instructions{asm.FnBtfFindByNameKind.Call()}
}
