package soak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"time"
)

// newHTTP returns a client for many loopback servers at once.
func newHTTP(jar http.CookieJar) *http.Client {
	return &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        1000,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     30 * time.Second,
		},
	}
}

// tapResult is the part of a TapResult the rehearsal reads.
type tapResult struct {
	ID         string `json:"id"`
	Result     string `json:"result"`
	Reason     string `json:"reason"`
	FirstToday bool   `json:"first_today"`
}

// postTap taps a badge at a kiosk as a reader on the kiosk's own machine
// does (loopback, no Origin).
func postTap(ctx context.Context, c *http.Client, base, uid string) (tapResult, error) {
	body := `{"uid":"` + uid + `","source":"rfid","gate":"main","direction":"in"}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/taps", strings.NewReader(body))
	if err != nil {
		return tapResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return tapResult{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return tapResult{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return tapResult{}, fmt.Errorf("tap: %d %s", resp.StatusCode, bytes.TrimSpace(data))
	}
	var res tapResult
	if err := json.Unmarshal(data, &res); err != nil || res.ID == "" {
		return tapResult{}, fmt.Errorf("tap: answer without an id: %s", bytes.TrimSpace(data))
	}
	return res, nil
}

// kioskHealth is the part of a kiosk's /healthz the rehearsal reads.
type kioskHealth struct {
	Status    string `json:"status"`
	Delegates int    `json:"delegates"`
	Registry  struct {
		Reachable bool   `json:"reachable"`
		Outbox    int    `json:"outbox"`
		Cursor    int64  `json:"cursor"`
		URL       string `json:"url"`
		LastError string `json:"last_error"`
	} `json:"registry"`
}

// registryHealth is the part of a registry's /healthz the rehearsal reads.
type registryHealth struct {
	Status    string `json:"status"`
	Delegates int    `json:"delegates"`
	Head      int64  `json:"change_seq"`
}

func getJSON(ctx context.Context, c *http.Client, url string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusServiceUnavailable {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// desk is a member of staff signed in at one kiosk's desk.
type desk struct {
	http *http.Client
	csrf string
}

// errUnauthorized is a staff call without a (valid) session.
var errUnauthorized = fmt.Errorf("401: not signed in")

// signIn signs in at a kiosk's desk as a script does (JSON login), then
// fetches a staff page for the session's CSRF token (cookie csrf_).
func signIn(ctx context.Context, base, user, password string) (*desk, error) {
	jar, _ := cookiejar.New(nil) // one jar per kiosk: cookies ignore ports
	d := &desk{http: newHTTP(jar)}
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.http.Do(req)
	if err != nil {
		return nil, err
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("login at %s: %d %s", base, resp.StatusCode, bytes.TrimSpace(msg))
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base+"/desk", nil)
	resp, err = d.http.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, ck := range jar.Cookies(resp.Request.URL) {
		if ck.Name == "csrf_" {
			d.csrf = ck.Value
			return d, nil
		}
	}
	return nil, fmt.Errorf("login at %s: no csrf_ cookie after GET /desk", base)
}

// call makes a staff API call and returns the status and body.
func (d *desk) call(ctx context.Context, method, url string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", d.csrf)
	resp, err := d.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusUnauthorized {
		return resp.StatusCode, data, errUnauthorized
	}
	return resp.StatusCode, data, err
}
