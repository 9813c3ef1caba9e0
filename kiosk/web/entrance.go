package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"checkin/kiosk"
	"checkin/kiosk/country"
)

// Catalogs holds the message catalogues by language.
type Catalogs map[string]map[string]string

// LoadCatalogs reads the message catalogues i18n/<screen>/<lang>.json
// from assets (one folder per screen: entrance, lobby, desk) and merges
// each language's files; a key defined twice is an error. English is
// required: it is the fallback for every missing key.
func LoadCatalogs(assets fs.FS) (Catalogs, error) {
	names, err := fs.Glob(assets, "i18n/*/*.json")
	if err != nil {
		return nil, err
	}
	cats := Catalogs{}
	for _, name := range names {
		data, err := fs.ReadFile(assets, name)
		if err != nil {
			return nil, err
		}
		var cat map[string]string
		if err := json.Unmarshal(data, &cat); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", name, err)
		}
		lang := strings.TrimSuffix(path.Base(name), ".json")
		if cats[lang] == nil {
			cats[lang] = map[string]string{}
		}
		for k, v := range cat {
			if _, dup := cats[lang][k]; dup {
				return nil, fmt.Errorf("catalogue %s: key %q is defined in another file too", name, k)
			}
			cats[lang][k] = v
		}
	}
	if cats["en"] == nil {
		return nil, fmt.Errorf("no English catalogue i18n/*/en.json")
	}
	return cats, nil
}

// Lang picks the screen language: the requested one if there is a
// catalogue for it, else English.
func (c Catalogs) Lang(requested string) string {
	if _, ok := c[requested]; ok && slices.Contains(kiosk.Languages, requested) {
		return requested
	}
	return "en"
}

// page is what every screen template gets.
type page struct {
	Lang, Dir, Meeting string
	Demo, DemoAuto     bool
	Config             any
	cat, en            map[string]string
}

// Messages returns, as JSON for a page's script, every message whose key
// starts with one of prefixes (e.g. "desk."), in the page's language with
// English for what is missing.
func (p page) Messages(prefixes ...string) template.JS {
	out := map[string]string{}
	for _, cat := range []map[string]string{p.en, p.cat} {
		for k, v := range cat {
			for _, pre := range prefixes {
				if strings.HasPrefix(k, pre) {
					out[k] = v
				}
			}
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "{}"
	}
	return template.JS(b)
}

// Countries returns, as JSON for a page's script, the UN name of every
// country code in the page's language (package country: the table badges
// and desk answers use too).
func (p page) Countries() template.JS {
	b, err := json.Marshal(country.All(p.Lang))
	if err != nil {
		return "{}"
	}
	return template.JS(b)
}

// langLink is one entry of a language menu: the language named in itself.
type langLink struct {
	Code, Name, Dir string
	Current         bool
}

// languageNames names each screen language in itself, for language menus.
var languageNames = map[string]string{"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "zh": "中文", "ru": "Русский"}

// Languages lists the six languages for a menu, the page's own marked.
func (p page) Languages() []langLink {
	out := make([]langLink, len(kiosk.Languages))
	for i, code := range kiosk.Languages {
		dir := "ltr"
		if code == "ar" {
			dir = "rtl"
		}
		out[i] = langLink{Code: code, Name: languageNames[code], Dir: dir, Current: code == p.Lang}
	}
	return out
}

// T translates a key, falling back to English, then to the key itself.
func (p page) T(key string) string {
	if s, ok := p.cat[key]; ok {
		return s
	}
	if s, ok := p.en[key]; ok {
		return s
	}
	return key
}

// Tn translates a key and fills in its {n}.
func (p page) Tn(key string, n int) string {
	return strings.ReplaceAll(p.T(key), "{n}", strconv.Itoa(n))
}

func (s *Server) newPage(c *fiber.Ctx, lang string) (page, kiosk.Meeting, error) {
	m, err := s.Store.Meeting(c.UserContext())
	if err != nil {
		return page{}, m, err
	}
	lang = s.catalogs.Lang(lang)
	dir := "ltr"
	if lang == "ar" {
		dir = "rtl"
	}
	name := m.Name
	if name == "" {
		name = "checkin"
	}
	return page{Lang: lang, Dir: dir, Meeting: name, cat: s.catalogs[lang], en: s.catalogs["en"]}, m, nil
}

// handleEntrance serves the entrance screen.
func (s *Server) handleEntrance(c *fiber.Ctx) error {
	p, m, err := s.newPage(c, c.Query("lang"))
	if err != nil {
		return err
	}
	p.Demo = s.Demo != nil && c.Query("demo") == "1"
	p.DemoAuto = p.Demo && c.Query("auto", "1") != "0"
	p.Config = map[string]any{
		"lang":     p.Lang,
		"dir":      p.Dir,
		"timezone": m.Location().String(),
		"now":      s.Now().UnixMilli(), // the page's clock is the kiosk's
		"catalogs": s.catalogs,
	}
	return s.render(c, "entrance.html", p)
}

func (s *Server) render(c *fiber.Ctx, name string, data any) error {
	var b strings.Builder
	if err := s.templates.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Type("html", "utf-8").SendString(b.String())
}

// DemoTapper is the demo's simulated reader.
type DemoTapper interface {
	// DemoTap taps a badge of the given kind (random, unknown, cancelled,
	// not_valid_today) through the reader path. EINVALID for other kinds.
	DemoTap(ctx context.Context, kind string) error
}

type demoTapRequest struct {
	Kind string `json:"kind"`
}

func (s *Server) handleDemoTap(c *fiber.Ctx) error {
	var req demoTapRequest
	if err := kiosk.DecodeJSON(c.Body(), &req); err != nil {
		return err
	}
	if err := s.Demo.DemoTap(c.UserContext(), req.Kind); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusAccepted)
}
