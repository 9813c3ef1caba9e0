package credapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"checkin/kiosk"
	"checkin/kiosk/httpserve"
)

// FuzzRequest fuzzes what the API reads of a request before it asks the
// store: the Authorization header and the path's UID.
func FuzzRequest(f *testing.F) {
	f.Add("Bearer cka_abc", "0a:0b:0c:0d:0e")
	f.Add("bearer  cka_abc ", "0x0A0B0C0D0E")
	f.Add("Basic dXNlcjpwdw==", "0a%200b%200c")
	f.Add("Bearer", "%zz")
	f.Add("", "0A0B0")
	f.Add("Bearer \x00", strings.Repeat("0A", 40))
	f.Fuzz(func(t *testing.T, header, raw string) {
		key, ok := bearer(header)
		if ok != (key != "") || ok && (key != strings.TrimSpace(key) || !strings.Contains(header, key)) {
			t.Fatalf("bearer(%q) = %q, %v", header, key, ok)
		}
		uid, err := parseUID(raw)
		if err != nil {
			if kiosk.ErrorCode(err) != kiosk.EINVALID || !strings.HasPrefix(kiosk.ErrorMessage(err), "uid ") {
				t.Fatalf("parseUID(%q): %v, want an invalid error naming the uid", raw, err)
			}
			return
		}
		if uid == "" || len(uid)%2 != 0 || len(uid) > 64 || strings.Trim(uid, "0123456789ABCDEF") != "" {
			t.Fatalf("parseUID(%q) = %q, not a canonical UID", raw, uid)
		}
	})
}

func TestBearer(t *testing.T) {
	for h, want := range map[string]string{"Bearer k": "k", "bearer k ": "k", "BEARER  k": "k", "Bearer": "", "Bearer  ": "", "Basic k": "", "k": ""} {
		if got, ok := bearer(h); got != want && ok || ok != (want != "") {
			t.Errorf("bearer(%q) = %q, %v; want %q", h, got, ok, want)
		}
	}
}

// failingStore cannot read its keys; it answers anything else.
type failingStore struct{ audits []string }

func (s *failingStore) APIKeys(context.Context) ([]kiosk.APIKey, error) {
	return nil, errors.New("disk I/O error")
}

func (s *failingStore) BadgeStanding(context.Context, string) (kiosk.Standing, kiosk.Meeting, error) {
	return kiosk.Standing{}, kiosk.Meeting{}, nil
}

func (s *failingStore) Audit(_ context.Context, actor, action, detail string) error {
	s.audits = append(s.audits, actor+" "+action+" "+detail)
	return nil
}

// TestStoreFailure: a store that fails is a logged 500, counted as an
// error, not as a refused key; neither the log nor the answer holds the
// key.
func TestStoreFailure(t *testing.T) {
	var logged bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logged, nil))
	a := New(&failingStore{})
	a.Logger = logger
	app := fiber.New(fiber.Config{ErrorHandler: httpserve.ErrorHandler(logger)})
	app.Get(Route, a.Handle)
	const key = "cka_never-in-a-log"
	req := httptest.NewRequest("GET", "/api/v1/credentials/0A0B0C0D0E", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 500 || !strings.Contains(string(body), `"code":"internal"`) {
		t.Errorf("answer %d %s, want 500 JSON", resp.StatusCode, body)
	}
	if !strings.Contains(logged.String(), "disk I/O error") {
		t.Errorf("log %q lacks the failure", logged.String())
	}
	if strings.Contains(logged.String()+string(body), key) {
		t.Errorf("the key was logged or answered: %s %s", logged.String(), body)
	}
	if got := counts(t, a); got[resultError] != 1 || got[resultUnauthorized] != 0 {
		t.Errorf("counted %v, want one error, no unauthorized", got)
	}
}

// counts gathers the API's request counts by result.
func counts(t *testing.T, a *API) map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(a.Collector())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" {
					out[l.GetValue()] = m.GetCounter().GetValue()
				}
			}
		}
	}
	return out
}
