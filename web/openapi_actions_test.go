package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
)

var updateOpenAPI = flag.Bool("update", false, "rewrite the action schemas of openapi.json from the action descriptions")

// The OpenAPI document's action inputs are generated from the action
// descriptions of the domain (ercms.Descriptions): one closed schema per
// action, <Type>Input (ApproveTransitInput), and on both action endpoints a
// request body that names, per action of the path, its schema
// (x-input-by-action; the path decides, so the body's schema is the anyOf of
// them). TestOpenAPIActionSchemas fails when the document differs from what
// the descriptions give; `go generate ./web` (or this test with -update)
// rewrites those parts and leaves the rest of the document as it is.

const (
	casePath      = "/api/v1/cases/{id}/actions/{action}"
	operationPath = "/api/v1/transfer-operations/{id}/actions/{action}"
)

// apiActions are the actions a client may take through the API: all but
// the system's.
func apiActions() []ercms.Description {
	var out []ercms.Description
	for _, d := range ercms.Descriptions {
		for _, tr := range ercms.Lifecycle {
			if tr.Action == d.Action && slices.ContainsFunc(tr.By, func(r ercms.Role) bool { return r != ercms.RoleSystem }) {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

func schemaName(d ercms.Description) string { return reflect.TypeOf(d.Input).Name() + "Input" }

// obj is a JSON object that keeps its keys in order.
type obj []kv

type kv struct {
	K string
	V any
}

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.K)
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(e.V)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o obj) get(k string) any {
	for _, e := range o {
		if e.K == k {
			return e.V
		}
	}
	return nil
}

func (o *obj) set(k string, v any) {
	for i, e := range *o {
		if e.K == k {
			(*o)[i].V = v
			return
		}
	}
	*o = append(*o, kv{k, v})
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// readOrdered decodes JSON keeping the order of object keys.
func readOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := obj{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := readOrdered(dec)
			if err != nil {
				return nil, err
			}
			o = append(o, kv{k.(string), v})
		}
		_, err := dec.Token()
		return o, err
	case json.Delim('['):
		a := []any{}
		for dec.More() {
			v, err := readOrdered(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.Token()
		return a, err
	}
	return tok, nil
}

// fieldSchema is the schema of a value of type t, the field at path of d.
func fieldSchema(d ercms.Description, path string, t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var f ercms.Field
	for _, x := range d.Fields {
		if x.Name == path {
			f = x
		}
	}
	var s obj
	switch {
	case t == reflect.TypeFor[civil.Date]():
		s = obj{{"type", "string"}, {"format", "date"}, {"example", "2026-03-02"}}
	case t == reflect.TypeFor[time.Time]():
		s = obj{{"type", "string"}, {"format", "date-time"}}
	case t.Kind() == reflect.String:
		s = obj{{"type", "string"}}
		if fixed := f.Choices.Fixed(); fixed != nil {
			s = append(s, kv{"enum", fixed})
		}
	case t.Kind() == reflect.Int:
		s = obj{{"type", "integer"}, {"minimum", 0}}
	case t.Kind() == reflect.Bool:
		s = obj{{"type", "boolean"}}
	case t.Kind() == reflect.Slice:
		items := fieldSchema(d, path, t.Elem())
		if fixed := f.Choices.Fixed(); fixed != nil {
			items = obj{{"type", "string"}, {"enum", fixed}}
		}
		s = obj{{"type", "array"}, {"items", items}}
	case t.Kind() == reflect.Struct:
		s = objectSchema(d, path, t)
	default:
		panic(fmt.Sprintf("no schema for %s (%s)", path, t))
	}
	if f.Doc != "" {
		s = append(s, kv{"description", f.Doc})
	}
	return s
}

// objectSchema is the closed schema of struct type t at path of d ("" for the input).
func objectSchema(d ercms.Description, path string, t reflect.Type) obj {
	props := obj{}
	var required []string
	prefix := ""
	if path != "" {
		prefix = path + "."
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name := prefix + tag
		props = append(props, kv{tag, fieldSchema(d, name, sf.Type)})
		if slices.ContainsFunc(d.Fields, func(f ercms.Field) bool {
			return !f.Optional && (f.Name == name || strings.HasPrefix(f.Name, name+"."))
		}) {
			required = append(required, tag)
		}
	}
	s := obj{{"type", "object"}}
	if len(props) > 0 {
		s = append(s, kv{"properties", props})
	}
	if len(required) > 0 {
		s = append(s, kv{"required", required})
	}
	return append(s, kv{"additionalProperties", false})
}

// inputSchema is the schema of an action's input.
func inputSchema(d ercms.Description) obj {
	s := objectSchema(d, "", reflect.TypeOf(d.Input))
	return append(obj{{"description", "The input of " + d.Action + " (LIFECYCLE.md): these fields and no other."}}, s...)
}

// byAction maps each API action to the reference of its input schema.
func byAction() obj {
	m := obj{}
	for _, d := range apiActions() {
		m = append(m, kv{d.Action, "#/components/schemas/" + schemaName(d)})
	}
	return m
}

func anyOfInputs() []any {
	var refs []any
	for _, d := range apiActions() {
		refs = append(refs, obj{{"$ref", "#/components/schemas/" + schemaName(d)}})
	}
	return refs
}

// caseBody is the request body of the case action endpoint.
func caseBody() obj {
	return obj{
		{"required", false},
		{"description", "The input of the action named in the path: the schema x-input-by-action names for it. A field of another action is refused (422 naming the field); an action without fields takes no body or {}."},
		{"x-input-by-action", byAction()},
		{"content", obj{{"application/json", obj{{"schema", obj{{"anyOf", anyOfInputs()}}}}}}},
	}
}

// operationBody is the request body of the group transfer action endpoint.
func operationBody() obj {
	cases := obj{{"type", "array"}, {"items", obj{{"type", "object"}, {"properties", obj{{"id", obj{{"type", "string"}}}, {"version", obj{{"type", "integer"}}}}}, {"required", []string{"id", "version"}}}}}
	return obj{
		{"required", true},
		{"description", "The cases of the operation the action applies to, with the versions seen, and beside them the fields of the action's input: the schema x-input-by-action names for the action of the path. A field of another action is refused (422 naming the field)."},
		{"x-input-by-action", byAction()},
		{"content", obj{{"application/json", obj{{"schema", obj{
			{"type", "object"},
			{"required", []string{"cases"}},
			{"properties", obj{{"cases", cases}}},
		}}}}}},
	}
}

// generatedParts applies the generated parts to the document doc and
// returns the names of the action schemas.
func generatedParts(doc obj) []string {
	comps := doc.get("components").(obj)
	schemas := comps.get("schemas").(obj)
	var names []string
	for _, d := range apiActions() {
		schemas.set(schemaName(d), inputSchema(d))
		names = append(names, schemaName(d))
	}
	comps.set("schemas", schemas)
	doc.set("components", comps)
	paths := doc.get("paths").(obj)
	for _, p := range []struct {
		path string
		body obj
	}{{casePath, caseBody()}, {operationPath, operationBody()}} {
		post := paths.get(p.path).(obj).get("post").(obj)
		post.set("requestBody", p.body)
		params := post.get("parameters").([]any)
		for i, x := range params {
			if x.(obj).get("name") == "action" {
				param := x.(obj)
				param.set("schema", obj{{"type", "string"}, {"enum", actionNames()}})
				params[i] = param
			}
		}
		post.set("parameters", params)
		item := paths.get(p.path).(obj)
		item.set("post", post)
		paths.set(p.path, item)
	}
	return names
}

func actionNames() []string {
	var out []string
	for _, d := range apiActions() {
		out = append(out, d.Action)
	}
	return out
}

func readDoc(t *testing.T) obj {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	doc, err := readOrdered(dec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("openapi.json: data after the document (%v)", err)
	}
	return doc.(obj)
}

func writeDoc(doc obj) ([]byte, error) {
	compact, err := marshal(doc)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", " "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func plain(t *testing.T, v any) any {
	t.Helper()
	b, err := marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOpenAPIActionSchemas checks that the action schemas and request
// bodies of openapi.json are those the action descriptions give, that no
// schema is left of an action that is gone (nor the former shared
// ActionInput), and that every schema referenced exists.
func TestOpenAPIActionSchemas(t *testing.T) {
	doc := readDoc(t)
	want := readDoc(t)
	names := generatedParts(want)
	if *updateOpenAPI {
		b, err := writeDoc(want)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("openapi.json", b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got, w := plain(t, doc), plain(t, want); !reflect.DeepEqual(got, w) {
		gs := got.(map[string]any)["components"].(map[string]any)["schemas"].(map[string]any)
		ws := w.(map[string]any)["components"].(map[string]any)["schemas"].(map[string]any)
		for _, n := range names {
			if !reflect.DeepEqual(gs[n], ws[n]) {
				t.Errorf("openapi.json: schema %s differs from the description of its action", n)
			}
		}
		t.Errorf("openapi.json differs from the action descriptions: run go generate ./web (go test ./web -run TestOpenAPIActionSchemas -update)")
	}
	schemas := plain(t, doc).(map[string]any)["components"].(map[string]any)["schemas"].(map[string]any)
	for n := range schemas {
		if strings.HasSuffix(n, "Input") && n != "TaskInput" && !slices.Contains(names, n) {
			t.Errorf("openapi.json: schema %s is no action's input", n)
		}
	}
	b, _ := os.ReadFile("openapi.json")
	for _, ref := range strings.Split(string(b), `"#/components/schemas/`)[1:] {
		name, _, _ := strings.Cut(ref, `"`)
		name, _, _ = strings.Cut(name, "/") // a part of a schema: #/components/schemas/NotifyTransferInput/properties/transfer
		if _, ok := schemas[name]; !ok {
			t.Errorf("openapi.json refers to the schema %s, which it does not define", name)
		}
	}
}

// TestOpenAPIWriterKeepsTheDocument checks that the generator rewrites the
// document byte for byte when nothing changed, so that an update touches
// only the generated parts.
func TestOpenAPIWriterKeepsTheDocument(t *testing.T) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := writeDoc(readDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, b) {
		t.Error("reading and writing openapi.json changes it")
	}
}
