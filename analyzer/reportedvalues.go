package analyzer

import (
	"go/ast"
	"go/constant"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// A kernel reports some values of its objects only where it has features:
// a network device of kind "netkit" exists only with netkit, so
// `if device.Type() == "netkit" { attachNetkit(...) }` attaches only where
// netkit links can be made (the API map's reported_values). Such a path
// assumes them, as one taken on `case ebpf.SkLookup:` assumes sk_lookup.

// reportedValueAssumes is what x == y assumes where x is a call whose
// result the kernel can report as the string constant y only when it has
// features.
func (c *checker) reportedValueAssumes(x, y ast.Expr) proof {
	if len(c.api.ReportedValues) == 0 {
		return proofOf()
	}
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return proofOf()
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok {
		return proofOf()
	}
	byValue := c.api.ReportedValues[c.key(fn)]
	tv := c.pass.TypesInfo.Types[y]
	if byValue == nil || tv.Value == nil || tv.Value.Kind() != constant.String {
		return proofOf()
	}
	return assuming(byValue[constant.StringVal(tv.Value)]...)
}
