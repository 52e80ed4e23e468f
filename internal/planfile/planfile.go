// Package planfile reads and writes plan files: YAML documents that hold a
// plan as data (docs/plan-format.md). Reading is strict: an unknown or
// misspelt key is an error, and every problem, whether the YAML is malformed
// or a value is impossible, is reported as file:line:column with the field
// and what was expected.
package planfile

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"outreach/internal/outreach"
)

//go:embed builtin/*.yaml
var builtin embed.FS

// Builtin returns the plans that ship inside the binary, parsed and
// validated, ordered by code.
func Builtin() ([]*outreach.Plan, error) {
	names, err := fs.Glob(builtin, "builtin/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var plans []*outreach.Plan
	for _, n := range names {
		data, err := builtin.ReadFile(n)
		if err != nil {
			return nil, err
		}
		p, err := Parse(path.Base(n), data)
		if err != nil {
			return nil, fmt.Errorf("built-in plan %s: %w", n, err)
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// BuiltinSource returns the text of the built-in plan file with the code.
func BuiltinSource(code string) ([]byte, bool) {
	data, err := builtin.ReadFile("builtin/" + code + ".yaml")
	return data, err == nil
}

// Parse decodes and validates a plan file. name is used in positions. The
// error, when not nil, is a *outreach.ValidationError whose problems carry
// "name:line:column". Measures are not checked against a vocabulary: the
// store checks them against its quantity kinds on import (ParseWith checks
// them against a list).
func Parse(name string, data []byte) (*outreach.Plan, error) {
	return parse(name, data, func(p *outreach.Plan) error { return p.Validate() })
}

// ParseWith is Parse that also checks every measure against the codes of
// the known quantity kinds (outreach.Plan.ValidateWith): "outreach plan
// validate" passes the built-in ones.
func ParseWith(name string, data []byte, measures []string) (*outreach.Plan, error) {
	return parse(name, data, func(p *outreach.Plan) error { return p.ValidateWith(measures) })
}

func parse(name string, data []byte, validate func(*outreach.Plan) error) (*outreach.Plan, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &outreach.ValidationError{Problems: []outreach.Problem{{Position: name + ":1:1", Message: "the file is empty"}}}
	}
	if len(data) > MaxSize {
		return nil, TooLarge(name, int64(len(data)))
	}
	var p outreach.Plan
	if err := unmarshal(data, &p); err != nil {
		pr := decodeProblem(name, err)
		var uf *yaml.UnknownFieldError
		if errors.As(err, &uf) {
			// Every misspelt key at once, not only the first.
			if all := unknownKeys(name, data); len(all) > 0 {
				return nil, &outreach.ValidationError{Problems: all}
			}
		}
		return nil, &outreach.ValidationError{Problems: []outreach.Problem{pr}}
	}
	if err := validate(&p); err != nil {
		return nil, Locate(name, data, err)
	}
	return &p, nil
}

// Locate gives the problems of a validation error about the file (from
// Parse, or from the store's checks on import: an unknown scope, parent
// plan or parent target) their "name:line:column", found from their
// fields. Other errors are returned as they are.
func Locate(name string, data []byte, err error) error {
	var verr *outreach.ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	file, perr := parser.ParseBytes(data, 0)
	for i := range verr.Problems {
		if verr.Problems[i].Position != "" {
			continue
		}
		line, col := 1, 1
		if perr == nil {
			line, col = locate(file, verr.Problems[i].Field)
		}
		verr.Problems[i].Position = fmt.Sprintf("%s:%d:%d", name, line, col)
	}
	return err
}

// unmarshal decodes strictly. The YAML library panics on some malformed
// documents (a nil node where a sequence is expected, found by FuzzParse):
// such a file is refused like any other unreadable one instead of taking
// the request, or the CLI, down.
func unmarshal(data []byte, p *outreach.Plan) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("[1:1] the file is not a YAML document this program can read (%v)", r)
		}
	}()
	return yaml.UnmarshalWithOptions(data, p, yaml.Strict())
}

var unknownField = regexp.MustCompile(`unknown field "([^"]+)"`)

// decodeProblem turns a YAML decoding error into a problem with a position.
func decodeProblem(name string, err error) outreach.Problem {
	pr := outreach.Problem{Position: name + ":1:1", Message: err.Error()}
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		pr.Message = yerr.GetMessage()
		if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
			pr.Position = fmt.Sprintf("%s:%d:%d", name, tk.Position.Line, tk.Position.Column)
		}
	}
	var uf *yaml.UnknownFieldError
	var te *yaml.TypeError
	switch {
	case errors.As(err, &uf):
		if m := unknownField.FindStringSubmatch(uf.Message); m != nil {
			pr.Field = m[1]
			pr.Message = fmt.Sprintf("unknown field %q: expected one of the keys in docs/plan-format.md (is it misspelt?)", m[1])
		}
	case errors.As(err, &te):
		if te.StructFieldName != nil {
			pr.Field = *te.StructFieldName
		}
		pr.Message = fmt.Sprintf("expected %s, got %s", kindName(te.DstType.String()), te.SrcType)
	}
	return pr
}

func kindName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.Contains(goType, "int"):
		return "a whole number"
	case strings.Contains(goType, "float"):
		return "a number"
	case goType == "string" || strings.HasSuffix(goType, "Kind") || strings.HasSuffix(goType, "Set") || strings.HasSuffix(goType, "Group"):
		return "text"
	case goType == "bool":
		return "true or false"
	}
	return "a mapping of keys"
}

// locate finds the line and column of a field path such as
// "targets[0].milestones[1].value". When the field is absent it points at
// the nearest enclosing one that exists.
func locate(file *ast.File, field string) (int, int) {
	for f := field; f != ""; f = parentPath(f) {
		p, err := yaml.PathString("$." + f)
		if err != nil {
			continue
		}
		node, err := p.FilterFile(file)
		if err != nil || node == nil {
			continue
		}
		if tk := node.GetToken(); tk != nil && tk.Position != nil {
			return tk.Position.Line, tk.Position.Column
		}
	}
	return 1, 1
}

func parentPath(f string) string {
	i := strings.LastIndexAny(f, ".[")
	if i <= 0 {
		return ""
	}
	return f[:i]
}

// bareEquals is a comparator written without quotes: "=" alone is a
// value token in YAML 1.1, which common readers (PyYAML) refuse.
var bareEquals = regexp.MustCompile(`(?m)^(\s*comparator: )=$`)

// wholeAtLeast is a whole at_least the YAML library writes as a float
// ("at_least: 2.0"); people write "at_least: 2".
var wholeAtLeast = regexp.MustCompile(`(?m)^(\s*at_least: [0-9]+)\.0$`)

// Marshal writes a plan back as a plan file. Parsing the result gives the
// same plan.
func Marshal(p *outreach.Plan) ([]byte, error) {
	body, err := yaml.MarshalWithOptions(p, yaml.Indent(2), yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(true))
	if err != nil {
		return nil, err
	}
	body = bareEquals.ReplaceAll(body, []byte(`$1"="`))
	body = wholeAtLeast.ReplaceAll(body, []byte(`$1`))
	header := fmt.Sprintf("# Plan file of outreach (docs/plan-format.md): %s\n# %s %s\n", p.Title, p.Decision.Number, p.Decision.Date)
	return append([]byte(header), body...), nil
}

// MaxSize bounds a plan file, from the CLI and the API alike: the largest
// real plan is a few hundred kilobytes.
const MaxSize = 2 << 20

// TooLarge is the problem of a file over MaxSize.
func TooLarge(name string, size int64) error {
	return &outreach.ValidationError{Problems: []outreach.Problem{{Position: name + ":1:1",
		Message: fmt.Sprintf("the file is %.1f MB; a plan file may be at most %d MB", float64(size)/(1<<20), MaxSize>>20)}}}
}

// unknownKeys lists every key of the document that the plan format does
// not know, each at its line and column, by walking the document beside
// the plan's Go types.
func unknownKeys(name string, data []byte) []outreach.Problem {
	file, err := parser.ParseBytes(data, 0)
	if err != nil || len(file.Docs) == 0 {
		return nil
	}
	var out []outreach.Problem
	var walk func(n ast.Node, t reflect.Type, path string)
	walk = func(n ast.Node, t reflect.Type, path string) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch v := n.(type) {
		case *ast.MappingNode:
			if t.Kind() != reflect.Struct {
				return
			}
			for _, kv := range v.Values {
				walkPair(kv, t, path, walk, name, &out)
			}
		case *ast.MappingValueNode:
			if t.Kind() == reflect.Struct {
				walkPair(v, t, path, walk, name, &out)
			}
		case *ast.SequenceNode:
			if t.Kind() != reflect.Slice {
				return
			}
			for i, item := range v.Values {
				walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(file.Docs[0].Body, reflect.TypeOf(outreach.Plan{}), "")
	return out
}

func walkPair(kv *ast.MappingValueNode, t reflect.Type, path string, walk func(ast.Node, reflect.Type, string), name string, out *[]outreach.Problem) {
	key := kv.Key.String()
	field := key
	if path != "" {
		field = path + "." + key
	}
	ft, ok := yamlField(t, key)
	if !ok {
		line, col := 1, 1
		if tk := kv.Key.GetToken(); tk != nil && tk.Position != nil {
			line, col = tk.Position.Line, tk.Position.Column
		}
		*out = append(*out, outreach.Problem{Position: fmt.Sprintf("%s:%d:%d", name, line, col), Field: field,
			Message: fmt.Sprintf("unknown field %q: expected one of the keys in docs/plan-format.md (is it misspelt?)", key)})
		return
	}
	walk(kv.Value, ft, field)
}

// yamlField finds the type of the struct field a YAML key decodes into,
// inline (embedded) fields included.
func yamlField(t reflect.Type, key string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		nameTag, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") || f.Anonymous && nameTag == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if got, ok := yamlField(ft, key); ok {
					return got, true
				}
			}
			continue
		}
		if nameTag == "-" {
			continue
		}
		if nameTag == "" {
			nameTag = strings.ToLower(f.Name)
		}
		if nameTag == key {
			return f.Type, true
		}
	}
	return nil, false
}
