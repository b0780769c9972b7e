package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"

	"golang.org/x/tools/go/analysis/unitchecker"
	"golang.org/x/tools/go/gcexportdata"
)

// go vet runs the tool on every dependency of the packages it vets, the
// standard library included, for the facts (and, since x/tools v0.4x,
// the types) its importers read from the dependency's .vetx file. For a
// package that can carry no bpfcompat fact that run only has to pass the
// types on: writeTypesOnlyVetx type-checks the declarations without the
// function bodies (which cannot change a package's exported types) and
// writes the types with an empty fact set, in unitchecker's .vetx layout
// ("vetx", the lengths of the types and the facts as two little-endian
// uint32s, the indexed export data of the types, the gob of the facts).

const vetxMagic = "vetx"

type vetxEntry struct{ types, facts []byte }

func readVetx(file string) (*vetxEntry, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if len(data) < 12 || string(data[:4]) != vetxMagic {
		return nil, fmt.Errorf("%s: not a vetx file", file)
	}
	typesLen, factsLen := binary.LittleEndian.Uint32(data[4:8]), binary.LittleEndian.Uint32(data[8:12])
	if 12+uint64(typesLen)+uint64(factsLen) > uint64(len(data)) {
		return nil, fmt.Errorf("%s: truncated vetx file", file)
	}
	return &vetxEntry{types: data[12 : 12+typesLen], facts: data[12+typesLen : 12+typesLen+factsLen]}, nil
}

// writeTypesOnlyVetx writes the package's vetx file with its types and no
// facts; ok is false when it cannot (a parse or type error: the full run
// reports those).
func writeTypesOnlyVetx(cfg *unitchecker.Config, deps map[string]*vetxEntry) (ok bool) {
	fset := token.NewFileSet()
	var files = make([]*ast.File, 0, len(cfg.GoFiles))
	for _, name := range cfg.GoFiles {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return false
		}
		files = append(files, f)
	}
	imports := map[string]*types.Package{}
	tc := &types.Config{
		Importer: importerFunc(func(importPath string) (*types.Package, error) {
			path, ok := cfg.ImportMap[importPath]
			if !ok {
				return nil, fmt.Errorf("can't resolve import %q", importPath)
			}
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			if pkg, ok := imports[path]; ok && pkg.Complete() {
				return pkg, nil
			}
			entry, ok := deps[path]
			if !ok {
				return nil, fmt.Errorf("no vetx file for %q", path)
			}
			return gcexportdata.Read(bytes.NewReader(append([]byte("i"), entry.types...)), fset, imports, path)
		}),
		Sizes:            types.SizesFor("gc", build.Default.GOARCH),
		GoVersion:        cfg.GoVersion,
		IgnoreFuncBodies: true,
	}
	pkg, err := tc.Check(cfg.ImportPath, fset, files, nil)
	if err != nil {
		return false
	}
	var buf bytes.Buffer
	buf.WriteString(vetxMagic)
	buf.Write(make([]byte, 8))
	if err := gcexportdata.Write(&buf, fset, pkg); err != nil {
		return false
	}
	data := buf.Bytes()
	// Drop Write's format byte: unitchecker stores the bare indexed data.
	data = append(data[:12], data[13:]...)
	binary.LittleEndian.PutUint32(data[4:8], uint32(len(data)-12))
	return os.WriteFile(cfg.VetxOutput, data, 0o666) == nil
}
