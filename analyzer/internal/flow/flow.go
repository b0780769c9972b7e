// Package flow answers control-flow questions about one function body, on
// a golang.org/x/tools/go/cfg graph over its syntax: what a forward
// must-analysis holds where each block starts, which assignments reach a
// point, and which of a package's functions never return. It needs no
// SSA form, so it works on packages with type errors, and it keeps the
// syntax's positions for the questions it answers.
package flow

import (
	"go/ast"
	"go/token"
	"sort"

	"golang.org/x/tools/go/cfg"
)

// Graph is the control-flow graph of one function body, with what the
// questions below need besides: predecessors, and the nodes by position.
type Graph struct {
	CFG   *cfg.CFG
	preds [][]*cfg.Block // by block index
	nodes []Loc          // every node of a live block, by position
	// maxEnd[i] is the furthest end of nodes[:i+1]: a search for the
	// node around a position stops where no earlier node reaches it.
	maxEnd []token.Pos
}

// Loc is a node of the graph: the Index'th node of Block.
type Loc struct {
	Block *cfg.Block
	Index int
}

// Node is the syntax at l.
func (l Loc) Node() ast.Node { return l.Block.Nodes[l.Index] }

// New builds the graph of body. mayReturn reports whether a call in
// statement position may return; one that does not ends its block.
// entered, if not nil, reports whether a range statement runs its body at
// least once (it ranges over a non-empty literal): the path that skips
// the loop altogether is then left out.
func New(body *ast.BlockStmt, mayReturn func(*ast.CallExpr) bool, entered func(*ast.RangeStmt) bool) *Graph {
	g := &Graph{CFG: cfg.New(body, mayReturn)}
	if entered != nil {
		enterLoops(g.CFG, entered)
	}
	g.preds = make([][]*cfg.Block, len(g.CFG.Blocks))
	for _, b := range g.CFG.Blocks {
		if !b.Live {
			continue
		}
		for _, s := range b.Succs {
			g.preds[s.Index] = append(g.preds[s.Index], b)
		}
		for i := range b.Nodes {
			g.nodes = append(g.nodes, Loc{b, i})
		}
	}
	sort.SliceStable(g.nodes, func(i, j int) bool { return g.nodes[i].Node().Pos() < g.nodes[j].Node().Pos() })
	g.maxEnd = make([]token.Pos, len(g.nodes))
	for i, l := range g.nodes {
		g.maxEnd[i] = l.Node().End()
		if i > 0 && g.maxEnd[i-1] > g.maxEnd[i] {
			g.maxEnd[i] = g.maxEnd[i-1]
		}
	}
	return g
}

// enterLoops gives each range loop that is entered at least once a head
// of its own for the way in, whose only edge goes to the body: the loop's
// exit is reached only from an iteration. (go/cfg builds a range loop as
// a head block, with no nodes, entered from the block that evaluates the
// operand, created before it, and from the body's blocks, created after
// it; Succs[0] is the body, Succs[1] the exit.)
func enterLoops(g *cfg.CFG, entered func(*ast.RangeStmt) bool) {
	for _, head := range g.Blocks {
		rs, ok := head.Stmt.(*ast.RangeStmt)
		if head.Kind != cfg.KindRangeLoop || !ok || len(head.Succs) != 2 || len(head.Nodes) != 0 || !entered(rs) {
			continue
		}
		first := &cfg.Block{Kind: cfg.KindRangeLoop, Stmt: rs, Succs: []*cfg.Block{head.Succs[0]}, Index: int32(len(g.Blocks)), Live: head.Live}
		moved := false
		for _, b := range g.Blocks {
			if b.Index >= head.Index {
				continue
			}
			for i, s := range b.Succs {
				if s == head {
					b.Succs[i] = first
					moved = true
				}
			}
		}
		if moved {
			g.Blocks = append(g.Blocks, first)
		}
	}
}

// Preds returns the live blocks with an edge to b.
func (g *Graph) Preds(b *cfg.Block) []*cfg.Block { return g.preds[b.Index] }

// Locate returns the innermost node of a live block that holds pos; ok is
// false for a position in no such node (dead code, or syntax such as a
// label that the graph does not hold).
func (g *Graph) Locate(pos token.Pos) (l Loc, ok bool) {
	i := sort.Search(len(g.nodes), func(i int) bool { return g.nodes[i].Node().Pos() > pos }) - 1
	for ; i >= 0 && g.maxEnd[i] > pos; i-- {
		if n := g.nodes[i].Node(); n.Pos() <= pos && pos < n.End() {
			return g.nodes[i], true
		}
	}
	return Loc{}, false
}

// Forward runs a forward must-analysis to its fixed point. The value at
// the entry block is entry; edge gives what holds along the succ'th edge
// out of b when in holds where b starts (the block's own effect and its
// condition's, for an edge of a conditional block: Succs[0] is taken
// when the condition is true); where several edges meet, meet combines
// them. reached is false for blocks no live edge enters.
func Forward[T any](g *Graph, entry T, meet func(a, b T) T, equal func(a, b T) bool, edge func(b *cfg.Block, succ int, in T) T) (in []T, reached []bool) {
	blocks := g.CFG.Blocks
	in = make([]T, len(blocks))
	reached = make([]bool, len(blocks))
	queued := make([]bool, len(blocks))
	in[0], reached[0] = entry, true
	queue := []*cfg.Block{blocks[0]}
	queued[0] = true
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		queued[b.Index] = false
		for i, s := range b.Succs {
			out := edge(b, i, in[b.Index])
			if reached[s.Index] {
				m := meet(in[s.Index], out)
				if equal(m, in[s.Index]) {
					continue
				}
				out = m
			}
			in[s.Index], reached[s.Index] = out, true
			if !queued[s.Index] {
				queued[s.Index] = true
				queue = append(queue, s)
			}
		}
	}
	return in, reached
}

// Reaching returns the nodes for which defines is true that reach at:
// the last one before it in its block, else the last one on each path
// into the block. entry is true when some path from the function's entry
// reaches at without passing one.
func (g *Graph) Reaching(at Loc, defines func(ast.Node) bool) (defs []Loc, entry bool) {
	if d, ok := lastDef(at.Block, at.Index, defines); ok {
		return []Loc{d}, false
	}
	// at.Block itself is searched again, whole, if a loop leads back to it.
	seen := map[*cfg.Block]bool{}
	var stack []*cfg.Block
	push := func(b *cfg.Block) {
		if b.Index == 0 {
			entry = true
		}
		for _, p := range g.preds[b.Index] {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	push(at.Block)
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if d, ok := lastDef(b, len(b.Nodes), defines); ok {
			defs = append(defs, d)
			continue
		}
		push(b)
	}
	sort.Slice(defs, func(i, j int) bool { return defs[i].Node().Pos() < defs[j].Node().Pos() })
	return defs, entry
}

func lastDef(b *cfg.Block, before int, defines func(ast.Node) bool) (Loc, bool) {
	for i := before - 1; i >= 0; i-- {
		if defines(b.Nodes[i]) {
			return Loc{b, i}, true
		}
	}
	return Loc{}, false
}

// Search explores the paths that leave at (from the node after it),
// carrying a state along each: visit sees each node with the state it is
// reached in and returns the state after it, or ends the search (found)
// or the path (cut); branch says whether a path takes the succ'th edge
// out of a conditional block, and in which state. Each block is explored
// once per state. Search reports whether some path found what it looks
// for: lostcancel's question, "is there a path from here that ...".
func Search[S comparable](g *Graph, at Loc, start S, visit func(n ast.Node, s S) (next S, found, cut bool), branch func(b *cfg.Block, succ int, s S) (next S, ok bool)) bool {
	type item struct {
		b     *cfg.Block
		from  int
		state S
	}
	type key struct {
		b     *cfg.Block
		state S
	}
	seen := map[key]bool{}
	stack := []item{{at.Block, at.Index + 1, start}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		s, ended := it.state, false
		for _, n := range it.b.Nodes[it.from:] {
			next, found, cut := visit(n, s)
			if found {
				return true
			}
			if cut {
				ended = true
				break
			}
			s = next
		}
		if ended {
			continue
		}
		for i, succ := range it.b.Succs {
			next, ok := s, true
			if len(it.b.Succs) == 2 {
				next, ok = branch(it.b, i, s)
			}
			if ok && !seen[key{succ, next}] {
				seen[key{succ, next}] = true
				stack = append(stack, item{succ, 0, next})
			}
		}
	}
	return false
}
