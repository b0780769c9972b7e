package analyzer

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// checker analyzes one package.
type checker struct {
	pass     *analysis.Pass
	db       *kernelspec.DB
	api      *apimap.Map
	targets  *targetSet
	wrappers map[*types.Func]*wrapperFact // bpf(2) wrappers declared in this package

	// Variables given exactly one value, for guards that store a probe's
	// result; built on the first guard question.
	values   map[*types.Var]ast.Expr
	assigned map[*types.Var]int
	// addressed counts &v: each also counts as two assignments above.
	addressed map[*types.Var]int
	// fieldSets holds what v.F = x assigns, by variable and field.
	fieldSets map[*types.Var]map[string][]ast.Expr
	// kept holds every write of the package's variables and of its
	// unexported fields, and keptProofs what reading one proves (memo.go).
	kept       map[*types.Var][]keptWrite
	keptProofs map[keptKey]proof
	keptMay    map[*types.Var]bool // the cheap test before keptProofs
	declMay    map[ast.Node]bool   // mayProve of the declarations writing them
	keptNames  map[string]bool     // names kept values may have: mayReadKept
	varFacts   uint8               // whether imports export variables that are checks: 0 not known, 1 no, 2 yes
	// The flow engine: each function's graph and analyses, built on the
	// first question about it, and the functions that never return.
	graphs   map[ast.Node]*funcGraph
	flows    map[flowKey]*funcFlow
	noReturn map[*types.Func]bool
	exits    *exits
	// bare counts the questions under way that must not read what
	// callers pass a function: summaries that speak for every caller.
	bare int

	// This package's check functions, declared or inferred.
	checks map[*types.Func]*checkFact
	// Package variables that are checks: memoized probes, kept results.
	varChecks map[*types.Var]*checkFact
	// Requirements: declared, and inferred from unguarded uses.
	requires map[*types.Func]*requiresFact
	inferred map[types.Object]*requiresFact
	// What the closures an exported function returns require, inferred.
	inferredClosures map[types.Object]*requiresFact
	// What functions need when an argument is non-zero.
	params         map[*types.Func]*paramFact
	paramsAdded    int                        // features added to params so far: a worklist's change test
	importedParams map[*types.Func]*paramFact // decoded facts, nil for none
	// What functions write of their arguments into bpf(2) attrs
	// (rawprobes.go), built on the first question.
	attrArgs         map[*types.Func][]attrArg
	importedAttrArgs map[*types.Func]*attrArgsFact // decoded facts, nil for none
	// inLibrary: 0 not known yet, 1 the package is in a module the API
	// map describes (its own bpf(2) calls are described there), 2 not.
	inLibrary uint8
	// Where values that name features go: probe wrappers and tables.
	probeArgs *probeArgs
	// carries memoizes carriesFeature: whether a type can hold a
	// feature, asked before and while probeArgs is built.
	carries map[types.Type]bool

	sink *sink // every diagnostic of a use goes through it
	// reporting is set once the summaries are done: from then on nothing
	// is added to them.
	reporting bool

	// Call sites of unexported functions, and what they share; built on
	// the first question about a function's callers.
	callees   map[*ast.Ident]*ast.CallExpr // of this package's functions, from the pre-pass
	calls     map[*types.Func][]*ast.CallExpr
	callerCtx map[*types.Func]*callerContext
	// contextsReady opens the caller contexts to questions once the
	// checks are known; contextState says which components are solved.
	contextsReady bool
	contextState  map[int]contextState
	// The package's call graph, in strongly connected components: the
	// order the summaries are computed in.
	graphOfCalls *callGraph
	// What each configuration field this package sets proves when true
	// (configfields.go), built on the first question.
	configProofs map[string]proof
	configTypes  *configTypes
	configGuards map[string]proof // the meet with the imports' writes
	// What a non-zero result of a function implies, and the package's
	// function declarations, built on demand.
	results map[resultKey]proof
	// triedParams: whether a function falls back where its use of a
	// parameter fails (calleefallback.go).
	triedParams map[resultKey]bool
	decls       map[*types.Func]*ast.FuncDecl
	// attrVars lists, for each variable passed as the attr of a bpf(2)
	// call, the calls and their commands; built on the first question
	// (attrSitesOf).
	attrVars map[*types.Var][]attrSite

	// BPF objects the package loads: parsed once, by path; the calls that
	// load them, and the functions (bpf2go's, in generated files) that do.
	objects         map[string]*loadedObject
	objectCalls     map[*ast.CallExpr]*loadedObject
	objectFuncs     map[*types.Func]*loadedObject
	importedLoaders map[*types.Func]*loadedObject // from facts, nil for none
	objectSites     []objectSite                  // sorted by position
	exportsLoaders  bool                          // objectLoaderFacts were exported: importers are relevant

	// What values hold of the running kernel's version (versionvalue.go).
	version *versionState

	// Memos for the walk's hot lookups.
	typeRules map[*types.TypeName]*apimap.TypeRule
	funcKeys  map[*types.Func]string
	// Imported functions' facts, decoded once each (nil for none): the
	// walk asks about every call.
	importedRequires map[*types.Func]*requiresFact
	importedWrappers map[*types.Func]*wrapperFact
	importedChecks   map[*types.Func]*checkFact

	// Settings beyond the target (options.go), and the first error in
	// them found while analyzing.
	options   *options
	configErr error
}

func newChecker(pass *analysis.Pass, db *kernelspec.DB, api *apimap.Map, targets *targetSet) *checker {
	return &checker{
		pass:            pass,
		db:              db,
		api:             api,
		targets:         targets,
		wrappers:        map[*types.Func]*wrapperFact{},
		sink:            newSink(pass),
		exits:           newExits(pass, api.Exits),
		callerCtx:       map[*types.Func]*callerContext{},
		contextState:    map[int]contextState{},
		graphs:          map[ast.Node]*funcGraph{},
		flows:           map[flowKey]*funcFlow{},
		results:         map[resultKey]proof{},
		triedParams:     map[resultKey]bool{},
		keptProofs:      map[keptKey]proof{},
		keptMay:         map[*types.Var]bool{},
		declMay:         map[ast.Node]bool{},
		callees:         map[*ast.Ident]*ast.CallExpr{},
		typeRules:       map[*types.TypeName]*apimap.TypeRule{},
		objects:         map[string]*loadedObject{},
		importedLoaders: map[*types.Func]*loadedObject{},
		funcKeys:        map[*types.Func]string{},

		importedRequires: map[*types.Func]*requiresFact{},
		importedWrappers: map[*types.Func]*wrapperFact{},
		importedChecks:   map[*types.Func]*checkFact{},
		carries:          map[types.Type]bool{},
	}
}

// use is one place where the code selects features.
type use struct {
	node     ast.Node              // the expression that selects them
	features []*kernelspec.Feature // what it selects; the newest missing one is reported
	via      string                // how it was reached, for the message ("link.AttachTCX")
	// viaFor overrides via for particular features (a requirement
	// inherited from a callee names how the callee selects each).
	viaFor map[*kernelspec.Feature]string
	// whenFor names, for features a callee needs only when a
	// configuration field is set, the field (configfields.go).
	whenFor map[*kernelspec.Feature]string
	// call is the bpf(2) call an attr field is set for: the guards and
	// fallbacks around that call cover the field too.
	call ast.Node
	// given is what holds where the use happens besides the guards around
	// it: a boolean argument that is a probe's result, passed to a
	// function that uses the feature only when it is true.
	given proof
	// value, when set, selects the features only when it is not zero.
	value ast.Expr
}

// checkFile reports the uses in a file.
func (c *checker) checkFile(f *ast.File) {
	ast.Inspect(f, c.visitor())
	c.checkObjectSites(f)
}
