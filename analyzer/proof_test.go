package analyzer

import (
	"go/token"
	"go/types"
	"testing"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

func testDB(t *testing.T) *kernelspec.DB {
	t.Helper()
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func feature(t *testing.T, db *kernelspec.DB, name string) *kernelspec.Feature {
	t.Helper()
	f := db.Find(name)
	if f == nil {
		t.Fatalf("no feature %s in the specs", name)
	}
	return f
}

// The meet keeps what both paths prove; what one proves and the other
// assumes, both assume; of two assumed floors, the older holds.
func TestProofMeet(t *testing.T) {
	db := testDB(t)
	ring, bloom, lookup := feature(t, db, "BPF_MAP_TYPE_RINGBUF"), feature(t, db, "BPF_MAP_TYPE_BLOOM_FILTER"), feature(t, db, "BPF_PROG_TYPE_SK_LOOKUP")

	a, b := proofOf(ring, bloom), proofOf(ring)
	a.version, b.version = kernelspec.Version{Major: 5, Minor: 10}, kernelspec.Version{Major: 5, Minor: 8}
	m := a.intersect(b)
	if !m.features[ring] || m.features[bloom] || m.version != b.version {
		t.Errorf("meet of {ringbuf, bloom, 5.10} and {ringbuf, 5.8} = %v %v, want {ringbuf} 5.8", m.features, m.version)
	}
	if !m.equal(b.intersect(a)) {
		t.Error("the meet is not commutative")
	}
	if !a.intersect(a).equal(a) {
		t.Error("the meet is not idempotent")
	}
	if !m.equal(m.intersect(a)) {
		t.Error("the meet does not absorb")
	}

	// One path probed for sk_lookup, the other only assumes it.
	p := proofOf(lookup).intersect(assuming(lookup))
	if len(p.features) != 0 || !p.assumed[lookup] {
		t.Errorf("proven ∧ assumed = %v / %v, want sk_lookup assumed only", p.features, p.assumed)
	}
	// Each path assumes one of two features: the older release holds.
	q := assuming(lookup).intersect(assuming(bloom))
	if len(q.assumed) != 0 || q.assumedVersion() != lookup.Since() {
		t.Errorf("sk_lookup ∨ bloom assumes %v from %v, want nothing named, from %v", q.assumed, q.assumedVersion(), lookup.Since())
	}
	// Nothing on one side: nothing.
	if r := a.intersect(proofOf()); !r.empty() || len(r.assumed) != 0 {
		t.Errorf("meet with nothing proves %v", r.features)
	}
}

// A probe proves the features introduced with it, and a newer feature
// implies the bpf(2) commands and attr fields that came before it, but
// not program or map types, which a kernel may be built without.
func TestProofImplication(t *testing.T) {
	db := testDB(t)
	c := &checker{db: db}
	lsm, lsmMac := feature(t, db, "BPF_PROG_TYPE_LSM"), feature(t, db, "BPF_LSM_MAC")
	if !c.provenHas(proofOf(lsm), lsmMac) {
		t.Error("a probe for the LSM program type does not prove the attach type introduced with it")
	}
	ring := feature(t, db, "BPF_MAP_TYPE_RINGBUF")
	if c.provenHas(proofOf(ring), lsm) {
		t.Error("a ring buffer probe proves the LSM program type")
	}
	batch := feature(t, db, "BPF_MAP_LOOKUP_BATCH")
	if !abiImplied(proofOf(ring), batch) {
		t.Error("a kernel with ring buffers (5.8) lacks the batch commands (5.6)")
	}
	if abiImplied(proofOf(batch), ring) {
		t.Error("the ABI rule implies a map type")
	}
	if abiImplied(proofOf(ring), feature(t, db, "BPF_LINK_CREATE")) == false {
		t.Error("a ring buffer probe does not imply BPF_LINK_CREATE (5.7)")
	}
	if abiImplied(proofOf(feature(t, db, "BPF_PROG_TYPE_SK_LOOKUP")), feature(t, db, "BPF_LINK_CREATE.target_ifindex")) == false {
		t.Error("a feature of 5.9 does not imply an attr field of 5.9")
	}
	if abiImplied(proofOf(lsm), feature(t, db, "BPF_LINK_CREATE.target_ifindex")) {
		t.Error("a feature of 5.7 implies an attr field of 5.9")
	}
}

// Top is the lattice's top, where a greatest fixpoint starts: the meet
// with it is the other side, a union with it stays top, and it proves
// every feature. Nothing else is top, not even the empty proof.
func TestProofTop(t *testing.T) {
	db := testDB(t)
	c := &checker{db: db}
	ring, lookup := feature(t, db, "BPF_MAP_TYPE_RINGBUF"), feature(t, db, "BPF_PROG_TYPE_SK_LOOKUP")
	top := topProof()
	a := proofOf(ring).union(assuming(lookup))
	a.version = kernelspec.Version{Major: 5, Minor: 10}
	for _, m := range []proof{top.intersect(a), a.intersect(top)} {
		if !m.equal(a) || m.top {
			t.Errorf("top ∧ a = %+v, want a", m)
		}
	}
	m := top.intersect(a)
	m.prove(lookup)
	if a.features[lookup] {
		t.Error("the meet with top shares the other side's maps")
	}
	if u := a.union(top); !u.top || !top.union(proofOf()).top {
		t.Error("a union with top is not top")
	}
	if !top.intersect(top).top || !top.equal(topProof()) {
		t.Error("top ∧ top is not top")
	}
	if top.equal(proofOf()) || proofOf().equal(top) || top.empty() {
		t.Error("top equals the empty proof")
	}
	if !c.provenHas(top, lookup) || !abiImplied(top, feature(t, db, "BPF_LINK_CREATE.target_ifindex")) {
		t.Error("top does not prove everything")
	}
	// Meeting downward from top reaches the same value as from a.
	if d := top.intersect(a).intersect(proofOf(ring)); !d.equal(a.intersect(proofOf(ring))) {
		t.Errorf("descending from top gives %+v", d)
	}
}

// A cycle's caller context starts at top: every argument top, falling
// back; the meet with what a call site says is what the call site says.
func TestCallerContextMeet(t *testing.T) {
	db := testDB(t)
	ring := feature(t, db, "BPF_MAP_TYPE_RINGBUF")
	have := types.NewParam(token.NoPos, nil, "have", types.Typ[types.Bool])
	fn := types.NewFunc(token.NoPos, nil, "f", types.NewSignatureType(nil, nil, nil, types.NewTuple(have), nil, false))
	c := &checker{db: db}
	top := c.topContext(fn)
	if !top.proof.top || !top.fallback || !top.args[have].top {
		t.Fatalf("top context = %+v", top)
	}
	site := &callerContext{proof: proofOf(ring), fallback: false, args: map[*types.Var]proof{have: proofOf()}}
	m := top.meet(site)
	if !m.equal(site) || !site.meet(top).equal(site) {
		t.Errorf("top ∧ site = %+v, want the site's", m)
	}
	if m.equal(top) || !top.equal(c.topContext(fn)) {
		t.Error("equal does not tell top from a site")
	}
	if both := site.meet(&callerContext{proof: proofOf(), fallback: true, args: map[*types.Var]proof{have: proofOf(ring)}}); !both.proof.empty() || both.fallback || !both.args[have].empty() {
		t.Errorf("two sites meet in %+v, want nothing", both)
	}
}
