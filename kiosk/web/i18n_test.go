package web_test

import (
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"checkin/assets"
	"checkin/kiosk"
	"checkin/kiosk/web"
)

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

// placeholders returns the {names} of a message, sorted, each once.
func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func readCatalogue(t *testing.T, fsys fs.FS, name string) map[string]string {
	t.Helper()
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatalf("catalogue %s: %v", name, err)
	}
	var cat map[string]string
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatalf("catalogue %s: %v", name, err)
	}
	return cat
}

// TestCataloguesComplete: every screen's English catalogue is matched, key
// for key, by a catalogue in each of the six UN languages, with no empty
// message, no key English lacks, and the same {placeholders}.
func TestCataloguesComplete(t *testing.T) {
	fsys := assets.FS()
	if _, err := web.LoadCatalogs(fsys); err != nil {
		t.Fatalf("LoadCatalogs: %v", err)
	}
	if want := []string{"en", "fr", "es", "ar", "zh", "ru"}; !slices.Equal(kiosk.Languages, want) {
		t.Fatalf("kiosk.Languages = %v, want the six UN languages %v", kiosk.Languages, want)
	}
	screens, err := fs.Glob(fsys, "i18n/*/en.json")
	if err != nil || len(screens) == 0 {
		t.Fatalf("no English catalogues (%v)", err)
	}
	for _, enName := range screens {
		dir := path.Dir(enName)
		en := readCatalogue(t, fsys, enName)
		if len(en) == 0 {
			t.Errorf("%s is empty", enName)
		}
		for k, v := range en {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", enName, k)
			}
		}
		for _, lang := range kiosk.Languages[1:] {
			name := path.Join(dir, lang+".json")
			if _, err := fs.Stat(fsys, name); err != nil {
				t.Errorf("%s is missing: every screen speaks all six languages", name)
				continue
			}
			cat := readCatalogue(t, fsys, name)
			for k, want := range en {
				got, ok := cat[k]
				switch {
				case !ok:
					t.Errorf("%s lacks %q (English: %q)", name, k, want)
				case strings.TrimSpace(got) == "":
					t.Errorf("%s: %q is empty", name, k)
				case !slices.Equal(placeholders(got), placeholders(want)) && !numberInWords(k, got, want):
					t.Errorf("%s: %q has placeholders %v, want %v as in English (%q)", name, k, placeholders(got), placeholders(want), got)
				}
			}
			for k := range cat {
				if _, ok := en[k]; !ok {
					t.Errorf("%s has %q, which English lacks", name, k)
				}
			}
		}
	}
	// No catalogue for a language the screens do not offer.
	all, _ := fs.Glob(fsys, "i18n/*/*.json")
	for _, name := range all {
		if lang := strings.TrimSuffix(path.Base(name), ".json"); !slices.Contains(kiosk.Languages, lang) {
			t.Errorf("%s: %q is not one of %v", name, lang, kiosk.Languages)
		}
	}
}

// numberInWords reports whether got, the message of key in a language,
// differs from want, the English, only by leaving out {n} in a plural form
// that stands for a single number: Arabic says "one seat", "two seats"
// (مقعد واحد، مقعدان) in words, without the numeral.
func numberInWords(key, got, want string) bool {
	if !strings.HasSuffix(key, ".one") && !strings.HasSuffix(key, ".two") {
		return false
	}
	without := slices.DeleteFunc(placeholders(want), func(p string) bool { return p == "n" })
	return slices.Equal(placeholders(got), without)
}

var (
	templateKey    = regexp.MustCompile(`\.T\s+"([^"]+)"`)
	templateMsgs   = regexp.MustCompile(`\.Messages((?:\s+"[^"]*")+)`)
	quoted         = regexp.MustCompile(`"([^"]*)"`)
	scriptCall     = regexp.MustCompile(`\btn?\(\s*"([^"]*)"`)
	scriptAttr     = regexp.MustCompile(`data-i18n(?:-[a-z]+)?="([^"]*)"`)
	scriptLiteral  = regexp.MustCompile(`"([a-z]+\.[a-z0-9_.]*[a-z0-9_])"`)
	scriptFileLike = regexp.MustCompile(`\.(js|css|html|json|png|pdf|svg)$`)
)

// TestUsedKeysExist: every message key the templates and scripts use is in
// the English catalogue (which every other language must match, above).
func TestUsedKeysExist(t *testing.T) {
	fsys := assets.FS()
	cats, err := web.LoadCatalogs(fsys)
	if err != nil {
		t.Fatal(err)
	}
	en := cats["en"]
	prefixes := map[string]bool{} // "desk", "role", … : the first part of every key
	for k := range en {
		prefixes[strings.SplitN(k, ".", 2)[0]] = true
	}

	templates, _ := fs.Glob(fsys, "templates/*.html")
	used := 0
	for _, name := range templates {
		data, _ := fs.ReadFile(fsys, name)
		src := string(data)
		for _, m := range templateKey.FindAllStringSubmatch(src, -1) {
			used++
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s uses T %q, which the English catalogue lacks", name, m[1])
			}
		}
		for _, m := range templateMsgs.FindAllStringSubmatch(src, -1) {
			for _, p := range quoted.FindAllStringSubmatch(m[1], -1) {
				if !hasPrefix(en, p[1]) {
					t.Errorf("%s: Messages %q matches no English key", name, p[1])
				}
			}
		}
	}

	scripts, _ := fs.Glob(fsys, "static/*.js")
	for _, name := range scripts {
		data, _ := fs.ReadFile(fsys, name)
		src := string(data)
		keys := map[string]bool{}
		for _, re := range []*regexp.Regexp{scriptCall, scriptAttr} {
			for _, m := range re.FindAllStringSubmatch(src, -1) {
				keys[m[1]] = true
			}
		}
		// Keys chosen in code (t(ok ? "a.b" : "a.c"), tables of keys) are
		// string literals shaped like keys of a known screen.
		for _, m := range scriptLiteral.FindAllStringSubmatch(src, -1) {
			if prefixes[strings.SplitN(m[1], ".", 2)[0]] && !scriptFileLike.MatchString(m[1]) {
				keys[m[1]] = true
			}
		}
		for k := range keys {
			if k == "" || strings.HasSuffix(k, ".") {
				continue // a prefix the code completes: "role." + code
			}
			used++
			if _, ok := en[k]; !ok {
				t.Errorf("%s uses %q, which the English catalogue lacks", name, k)
			}
		}
	}
	if used < 100 {
		t.Errorf("found only %d message keys in templates and scripts: is the search broken?", used)
	}
}

func hasPrefix(cat map[string]string, prefix string) bool {
	for k := range cat {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
