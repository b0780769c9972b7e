package analyzer

import (
	"go/ast"
	"go/types"
	"reflect"

	"github.com/cilium/ebpf"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Some operations came to a map type later than both the operation and
// the type: BPF_MAP_LOOKUP_AND_DELETE_ELEM worked on queues and stacks in
// 4.20 but on hash maps only from 5.14. Where the code's map has a known
// type, a method of the API map that sends such a command is checked for
// it too. The pairs are data (map_operations in the specs); the map's
// type comes from the MapSpec literal it was created from, or from the
// object a bpf2go struct field (`ebpf:"name"`) is loaded from.

// checkMapOperations reports what the commands feats of a method called on
// a map of known type need for that type.
func (c *checker) checkMapOperations(call *ast.CallExpr, fn *types.Func, feats []*kernelspec.Feature) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || fn.Signature().Recv() == nil {
		return
	}
	mt := c.mapTypeOf(sel.X)
	if mt == nil {
		return
	}
	for _, f := range feats {
		if f.Kind != kernelspec.Command && f.Kind != kernelspec.Flag {
			continue
		}
		if op := c.db.MapOperation(mt.Name, f.Name); op != nil {
			c.report(use{node: callName(call), features: []*kernelspec.Feature{op}, via: shortFuncName(fn) + " on a " + mt.Name + " map"})
		}
	}
}

// makesFromSpec reports whether fn, a function of a mapped library, makes
// a value of type t from the spec its first argument points to: its first
// result is t and its first parameter a pointer (ebpf.NewMap,
// NewMapWithOptions). The library's signatures say which, not a list.
func (c *checker) makesFromSpec(fn *types.Func, t types.Type) bool {
	sig := fn.Signature()
	if sig.Recv() != nil || fn.Pkg() == nil || !c.api.Packages[fn.Pkg().Path()] || sig.Params().Len() == 0 || sig.Results().Len() == 0 {
		return false
	}
	_, spec := sig.Params().At(0).Type().(*types.Pointer)
	return spec && types.Identical(sig.Results().At(0).Type(), t)
}

// mapTypeOf returns the type of the map e evaluates to, when the code
// says: a variable created once by ebpf.NewMap from a MapSpec literal, or a
// field of a bpf2go struct whose object has the map.
func (c *checker) mapTypeOf(e ast.Expr) *kernelspec.Feature {
	info := c.pass.TypesInfo
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := info.Uses[e].(*types.Var)
		if !ok {
			return nil
		}
		call, ok := ast.Unparen(c.singleValueOrNil(v)).(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return nil
		}
		if fn, ok := c.calleeObject(call.Fun).(*types.Func); !ok || !c.makesFromSpec(fn, v.Type()) {
			return nil
		}
		arg := ast.Unparen(call.Args[0])
		if u, ok := arg.(*ast.UnaryExpr); ok {
			arg = ast.Unparen(u.X)
		}
		lit, ok := arg.(*ast.CompositeLit)
		if !ok {
			return nil
		}
		// The spec's field whose value is a map type constant, by the
		// API map's types (MapSpec.Type).
		for _, elt := range lit.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if feats, _, ok := c.constantFeatures(kv.Value); ok && len(feats) > 0 && feats[0].Kind == kernelspec.MapType {
					return feats[0]
				}
			}
		}
	case *ast.SelectorExpr:
		sel := info.Selections[e]
		if sel == nil || sel.Kind() != types.FieldVal {
			return nil
		}
		field := sel.Obj().(*types.Var)
		name, ok := c.mapFieldName(sel)
		if !ok {
			return nil
		}
		obj := c.loaderInFileOf(field)
		if obj == nil || obj.maps == nil {
			return nil
		}
		if t, ok := obj.maps[name]; ok {
			if feats := linuxFeatures(c.db.ByValue(kernelspec.MapType, uint64(t))); len(feats) > 0 {
				return feats[0]
			}
		}
	}
	return nil
}

// mapFieldName is the map name a bpf2go struct field stands for: its tag
// of a key the API map names (`ebpf:"name"`), found on the innermost
// struct that declares it.
func (c *checker) mapFieldName(sel *types.Selection) (string, bool) {
	t := sel.Recv()
	for _, i := range sel.Index()[:len(sel.Index())-1] {
		st, ok := derefStruct(t)
		if !ok {
			return "", false
		}
		t = st.Field(i).Type()
	}
	st, ok := derefStruct(t)
	if !ok {
		return "", false
	}
	last := sel.Index()[len(sel.Index())-1]
	for _, key := range apimap.SortedKeys(c.api.StructTags) {
		if name, ok := reflect.StructTag(st.Tag(last)).Lookup(key); ok {
			return name, true
		}
	}
	return "", false
}

func derefStruct(t types.Type) (*types.Struct, bool) {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	return st, ok
}

// loaderInFileOf finds the object loaded by a loader declared in the same
// file as v (bpf2go puts the structs and the loaders in one file), in this
// package or, through their facts, in v's.
func (c *checker) loaderInFileOf(v *types.Var) *loadedObject {
	file := c.pass.Fset.Position(v.Pos()).Filename
	if file == "" || v.Pkg() == nil {
		return nil
	}
	if v.Pkg() == c.pass.Pkg {
		for fn, obj := range c.objectFuncs {
			if c.pass.Fset.Position(fn.Pos()).Filename == file {
				return obj
			}
		}
		return nil
	}
	scope := v.Pkg().Scope()
	for _, name := range scope.Names() {
		if fn, ok := scope.Lookup(name).(*types.Func); ok && c.pass.Fset.Position(fn.Pos()).Filename == file {
			if obj := c.loaderOf(fn); obj != nil {
				return obj
			}
		}
	}
	return nil
}

// mapTypes lists an object's maps by name.
func mapTypes(spec *ebpf.CollectionSpec) map[string]ebpf.MapType {
	out := map[string]ebpf.MapType{}
	for name, m := range spec.Maps {
		out[name] = m.Type
	}
	return out
}
