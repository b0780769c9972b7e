package analyzer

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"testing"
)

// A requirement crosses packages gob-encoded: every field must survive
// the trip, in the same bytes each time, the conditional fields included.
func TestRequiresFactGob(t *testing.T) {
	fact := &requiresFact{
		Version:  "5.8",
		Features: []string{"BPF_CGROUP_INET4_GETPEERNAME", "BPF_LINK_TYPE_TCX"},
		Vias:     map[string]string{"BPF_CGROUP_INET4_GETPEERNAME": "link.RawAttachProgram", "BPF_LINK_TYPE_TCX": "link.AttachTCX"},
		Errors:   []string{"os.ErrNotExist"},
		When:     map[string]string{"BPF_CGROUP_INET4_GETPEERNAME": "example.com/option.DaemonConfig.EnablePeer"},
		Closures: &requiresFact{Features: []string{"BPF_LINK_TYPE_TCX"}, When: map[string]string{"BPF_LINK_TYPE_TCX": "example.com/option.DaemonConfig.EnableTCX"}},
	}
	first, err := fact.GobEncode()
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		again, _ := fact.GobEncode()
		if !bytes.Equal(first, again) {
			t.Fatal("a requirement encodes differently from one time to the next")
		}
	}
	var got requiresFact
	if err := gob.NewDecoder(bytes.NewReader(mustEncode(t, fact))).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, fact) {
		t.Errorf("decoded %+v, want %+v", got, *fact)
	}
}

func mustEncode(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
