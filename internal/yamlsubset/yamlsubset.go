// Package yamlsubset reads the part of YAML the project's spec files and
// API maps are written in, several times faster than yaml.v3, into the
// yaml.Node tree yaml.v3 would build.
package yamlsubset

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The spec files and the API maps are YAML, and yaml.v3 reads them; but
// its scanner was half the time of loading the specs, which every process
// that analyzes a BPF package pays (under go vet, one per package). The
// files use a small part of YAML: block mappings and sequences indented
// with spaces, one-line plain, single- and double-quoted scalars, one-line
// flow sequences and mappings, comments. Parse reads exactly that part
// into the yaml.Node tree yaml.v3 would build (comments left out), and
// declines anything else — a multi-line scalar, an anchor, a tag, a tab,
// an escape it does not know, any error — which its callers then give to
// yaml.v3, whose tree and messages are the reference. TestMatchesYAMLv3
// and FuzzParse hold the two to the same trees.

// Parse returns the document node of data, or false when data is not in
// the subset.
func Parse(data []byte) (*yaml.Node, bool) {
	return new(Reader).Parse(data)
}

// A Reader parses one document after another into the memory of the
// trees it built before, for a caller that keeps nothing of a tree once it
// parses the next: kernelspec's Load reads 67 files, whose nodes were half
// of what it allocated.
type Reader struct {
	lines []subsetLine
	nodes []yaml.Node
}

// Parse is the package's Parse, reusing r's memory: the trees of earlier
// calls are overwritten.
func (r *Reader) Parse(data []byte) (*yaml.Node, bool) {
	if !subsetBytes(data) {
		return nil, false
	}
	p := &subsetParser{lines: r.lines[:0]}
	defer func() { r.lines = p.lines[:0] }()
	text := string(data) // one copy: every value is a substring of it
	for num := 1; text != ""; num++ {
		s := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			s, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		body := strings.TrimLeft(s, " ")
		if body == "" || body[0] == '#' {
			continue
		}
		if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") || s[0] == '%' {
			return nil, false // document markers and directives
		}
		p.lines = append(p.lines, subsetLine{num: num, indent: len(s) - len(body), text: body, full: s})
	}
	if len(p.lines) == 0 || p.lines[0].indent != 0 {
		return nil, false
	}
	// Most lines make a key and a value; sequences and flow items a few more.
	if need := 2*len(p.lines) + 64; cap(r.nodes) < need {
		r.nodes = make([]yaml.Node, need)
	} else {
		r.nodes = r.nodes[:need]
		clear(r.nodes)
	}
	p.slab = r.nodes
	root, ok := p.block(0)
	if !ok || p.i != len(p.lines) {
		return nil, false
	}
	doc := p.node(yaml.DocumentNode, "", "", 0, p.lines[0].num, 1)
	doc.Content = []*yaml.Node{root}
	return doc, true
}

// subsetBytes rejects what the line-based reader leaves to yaml.v3: tabs,
// carriage returns and other control characters, invalid UTF-8, and the
// characters YAML 1.1 also takes for line breaks or a byte order mark.
func subsetBytes(data []byte) bool {
	ascii := true
	for _, b := range data {
		if b < 0x20 && b != '\n' || b == 0x7f {
			return false
		}
		ascii = ascii && b < utf8.RuneSelf
	}
	if ascii {
		return true
	}
	if !utf8.Valid(data) {
		return false
	}
	return !bytes.ContainsAny(data, "\u0085\u2028\u2029\ufeff")
}

// subsetLine is a line with content: not blank, not only a comment.
type subsetLine struct {
	num    int    // 1-based
	indent int    // spaces before text
	text   string // from the first non-space
	full   string // the whole line, for columns
}

type subsetParser struct {
	lines []subsetLine
	i     int         // the next line
	slab  []yaml.Node // nodes are allocated in chunks
}

func (p *subsetParser) node(kind yaml.Kind, tag, value string, style yaml.Style, line, column int) *yaml.Node {
	if len(p.slab) == 0 {
		p.slab = make([]yaml.Node, 256)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	n.Kind, n.Tag, n.Value, n.Style, n.Line, n.Column = kind, tag, value, style, line, column
	return n
}

// column is the 1-based column of byte offset off in the current line, in
// characters, as yaml.v3 counts.
func (p *subsetParser) column(off int) int {
	l := &p.lines[p.i]
	return utf8.RuneCountInString(l.full[:off]) + 1
}

// block reads the block node whose first line is the current one, at
// indent.
func (p *subsetParser) block(indent int) (*yaml.Node, bool) {
	if t := p.lines[p.i].text; t == "-" || strings.HasPrefix(t, "- ") {
		return p.sequence(indent)
	}
	return p.mapping(indent)
}

// mapping reads a block mapping whose keys are at indent.
func (p *subsetParser) mapping(indent int) (*yaml.Node, bool) {
	first := &p.lines[p.i]
	m := p.node(yaml.MappingNode, "!!map", "", 0, first.num, p.column(first.indent))
	for p.i < len(p.lines) {
		l := &p.lines[p.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent || strings.HasPrefix(l.text, "- ") || l.text == "-" {
			return nil, false // a continuation line, or a sequence beside keys
		}
		key, colon, ok := p.key(l)
		if !ok {
			return nil, false
		}
		rest := l.full[colon+1:]
		valueOff := colon + 1 + len(rest) - len(strings.TrimLeft(rest, " "))
		rest = strings.TrimLeft(rest, " ")
		var value *yaml.Node
		if rest == "" || rest[0] == '#' {
			// The value is the block on the following lines, indented more.
			p.i++
			if p.i == len(p.lines) || p.lines[p.i].indent <= indent {
				return nil, false // an empty value: yaml.v3 decides what it is
			}
			var ok bool
			if value, ok = p.block(p.lines[p.i].indent); !ok {
				return nil, false
			}
		} else {
			var ok bool
			if value, ok = p.inline(valueOff); !ok {
				return nil, false
			}
			p.i++
		}
		m.Content = append(m.Content, key, value)
	}
	return m, true
}

// sequence reads a block sequence whose dashes are at indent.
func (p *subsetParser) sequence(indent int) (*yaml.Node, bool) {
	first := &p.lines[p.i]
	s := p.node(yaml.SequenceNode, "!!seq", "", 0, first.num, p.column(first.indent))
	for p.i < len(p.lines) {
		l := &p.lines[p.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent || !strings.HasPrefix(l.text, "- ") {
			return nil, false
		}
		item := strings.TrimLeft(l.text[2:], " ")
		itemIndent := l.indent + len(l.text) - len(item)
		if item == "" || item[0] == '#' || item[0] == '-' && (len(item) == 1 || item[1] == ' ') {
			return nil, false // a nested block on the next lines, or a compact sequence
		}
		var value *yaml.Node
		var ok bool
		if colon := mappingColon(item); colon > 0 && item[0] != '[' && item[0] != '{' && item[0] != '\'' && item[0] != '"' {
			// "- key: value": a mapping whose keys line up with key.
			l.indent, l.text = itemIndent, item
			value, ok = p.mapping(itemIndent)
		} else {
			value, ok = p.inline(itemIndent)
			p.i++
		}
		if !ok {
			return nil, false
		}
		s.Content = append(s.Content, value)
	}
	return s, true
}

// key reads the key that starts line l of a block mapping: a plain one, or
// a quoted one ("386": on a line of bpf_syscall_numbers). It returns the
// offset in l.full of the colon after it.
func (p *subsetParser) key(l *subsetLine) (*yaml.Node, int, bool) {
	if c := l.text[0]; c == '"' || c == '\'' {
		key, end, ok := p.flowValue(l.full, l.indent, false)
		if !ok || end == len(l.full) || l.full[end] != ':' || end+1 < len(l.full) && l.full[end+1] != ' ' {
			return nil, 0, false
		}
		return key, end, true
	}
	colon := mappingColon(l.text)
	if colon <= 0 || !plainKey(l.text[:colon]) {
		return nil, 0, false
	}
	key := p.node(yaml.ScalarNode, "!!str", l.text[:colon], 0, l.num, p.column(l.indent))
	if tag, ok := resolvePlain(key.Value); !ok || tag != "!!str" {
		return nil, 0, false
	}
	return key, l.indent + colon, true
}

// mappingColon is the index of the colon ending a plain key at the start
// of text ("key: value" or "key:"), or -1.
func mappingColon(text string) int {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case ':':
			if i+1 == len(text) || text[i+1] == ' ' {
				return i
			}
		case '#':
			if i > 0 && text[i-1] == ' ' {
				return -1
			}
		}
	}
	return -1
}

// plainKey accepts the keys the specs use: identifiers, no quoting.
func plainKey(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' && i > 0) {
			return false
		}
	}
	return s != ""
}

// inline reads the value starting at byte off of the current line, which
// must end the line but for a comment.
func (p *subsetParser) inline(off int) (*yaml.Node, bool) {
	full := p.lines[p.i].full
	n, end, ok := p.flowValue(full, off, false)
	if !ok {
		return nil, false
	}
	rest := full[end:]
	if trimmed := strings.TrimLeft(rest, " "); trimmed != "" && (trimmed[0] != '#' || len(trimmed) == len(rest)) {
		return nil, false // text after the value, or a comment not set off by a space
	}
	return n, true
}

// flowValue reads a scalar or flow collection at off in line: in a flow
// collection (inFlow) plain scalars end at its punctuation. It returns the
// node and the offset after it.
func (p *subsetParser) flowValue(line string, off int, inFlow bool) (*yaml.Node, int, bool) {
	if off >= len(line) {
		return nil, 0, false
	}
	col := p.column(off)
	num := p.lines[p.i].num
	switch c := line[off]; c {
	case '\'':
		end := strings.IndexByte(line[off+1:], '\'')
		if end < 0 {
			return nil, 0, false // continued on the next line
		}
		end += off + 1
		if end+1 == len(line) || line[end+1] != '\'' {
			return p.node(yaml.ScalarNode, "!!str", line[off+1:end], yaml.SingleQuotedStyle, num, col), end + 1, true
		}
		var b strings.Builder // with '' for a quote
		for i := off + 1; i < len(line); i++ {
			if line[i] != '\'' {
				b.WriteByte(line[i])
				continue
			}
			if i+1 < len(line) && line[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return p.node(yaml.ScalarNode, "!!str", b.String(), yaml.SingleQuotedStyle, num, col), i + 1, true
		}
		return nil, 0, false
	case '"':
		if end := strings.IndexAny(line[off+1:], "\"\\"); end >= 0 && line[off+1+end] == '"' {
			end += off + 1
			return p.node(yaml.ScalarNode, "!!str", line[off+1:end], yaml.DoubleQuotedStyle, num, col), end + 1, true
		}
		var b strings.Builder // with escapes
		for i := off + 1; i < len(line); i++ {
			switch line[i] {
			case '"':
				return p.node(yaml.ScalarNode, "!!str", b.String(), yaml.DoubleQuotedStyle, num, col), i + 1, true
			case '\\':
				if i+1 == len(line) {
					return nil, 0, false
				}
				i++
				switch line[i] {
				case '\\', '"', '/':
					b.WriteByte(line[i])
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				default:
					return nil, 0, false
				}
			default:
				b.WriteByte(line[i])
			}
		}
		return nil, 0, false
	case '[', '{':
		return p.flowCollection(line, off)
	case ']', '}', ',', '#', '&', '*', '!', '|', '>', '%', '@', '`':
		return nil, 0, false
	case '-', '?', ':':
		if off+1 == len(line) || line[off+1] == ' ' {
			return nil, 0, false
		}
	}
	end := off
	for end < len(line) {
		c := line[end]
		if c == ':' && (end+1 == len(line) || line[end+1] == ' ' || inFlow) ||
			c == '#' && line[end-1] == ' ' ||
			inFlow && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}') {
			break
		}
		end++
	}
	value := strings.TrimRight(line[off:end], " ")
	if end < len(line) && line[end] == ':' {
		return nil, 0, false // a key where a value should be: yaml.v3 says what is wrong
	}
	tag, ok := resolvePlain(value)
	if !ok {
		return nil, 0, false
	}
	return p.node(yaml.ScalarNode, tag, value, 0, num, col), off + len(value), true
}

// flowCollection reads a one-line [a, b] or {k: v, ...} at off.
func (p *subsetParser) flowCollection(line string, off int) (*yaml.Node, int, bool) {
	isMap := line[off] == '{'
	kind, tag, closer := yaml.SequenceNode, "!!seq", byte(']')
	if isMap {
		kind, tag, closer = yaml.MappingNode, "!!map", '}'
	}
	n := p.node(kind, tag, "", yaml.FlowStyle, p.lines[p.i].num, p.column(off))
	i := skipSpaces(line, off+1)
	if i < len(line) && line[i] == closer {
		return n, i + 1, true
	}
	for {
		if isMap {
			colon := strings.IndexByte(line[i:], ':')
			if colon <= 0 || !plainKey(line[i:i+colon]) || i+colon+1 == len(line) || line[i+colon+1] != ' ' {
				return nil, 0, false
			}
			key := p.node(yaml.ScalarNode, "!!str", line[i:i+colon], 0, p.lines[p.i].num, p.column(i))
			if t, ok := resolvePlain(key.Value); !ok || t != "!!str" {
				return nil, 0, false
			}
			n.Content = append(n.Content, key)
			i = skipSpaces(line, i+colon+1)
		}
		v, end, ok := p.flowValue(line, i, true)
		if !ok {
			return nil, 0, false
		}
		n.Content = append(n.Content, v)
		i = skipSpaces(line, end)
		if i == len(line) {
			return nil, 0, false
		}
		switch line[i] {
		case closer:
			return n, i + 1, true
		case ',':
			i = skipSpaces(line, i+1)
			if i == len(line) || line[i] == closer {
				return nil, 0, false // a trailing comma, or the collection goes on
			}
		default:
			return nil, 0, false
		}
	}
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// yamlFloat is yaml.v3's test for a plain scalar that is a float.
var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// resolvePlain gives a plain scalar the tag yaml.v3 resolves it to, for
// strings, integers, booleans and null; false for what the reader leaves
// to yaml.v3 (floats, timestamps, binary and octal forms, .inf, merge keys).
func resolvePlain(s string) (string, bool) {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return "!!null", true
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool", true
	case "<<":
		return "", false
	}
	if !strings.ContainsRune("+-.0123456789", rune(s[0])) {
		return "!!str", true
	}
	plain := strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return "!!int", true
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return "!!int", true
	}
	if s[0] == '.' || yamlFloat.MatchString(plain) || strings.Contains(s, "0b") || strings.Contains(s, "0o") || looksLikeTimestamp(s) {
		return "", false
	}
	return "!!str", true
}

// looksLikeTimestamp reports a plain scalar yaml.v3 may take for a
// timestamp (2006-01-02...).
func looksLikeTimestamp(s string) bool {
	return len(s) > 4 && s[4] == '-'
}
