package guards

import (
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/ringbuf"
)

func TestRing(t *testing.T) {
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		t.Skip("no ring buffer:", err)
	}
	var m *ebpf.Map
	ringbuf.NewReader(m)
}
