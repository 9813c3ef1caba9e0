package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"checkin/kiosk"
)

// TestDeskSearchLatin: the desk finds names in any script by Latin
// letters and by e-mail, shows the roster's Latin name on hits and on the
// card, and none of it without a staff session.
func TestDeskSearchLatin(t *testing.T) {
	f := staffFixture(t)
	if _, err := f.db.ReplaceRoster(context.Background(), []kiosk.Delegate{
		{ID: "R1", FamilyName: "Кузнецова", GivenName: "Дарья", Country: "RU", Status: "registered", Language: "ru",
			Email: "d.kuznetsova@example.ru"},
		{ID: "R2", FamilyName: "المنصوري", GivenName: "أحمد", Country: "AE", Status: "registered", Language: "ar",
			LatinFamilyName: "Al Mansouri", LatinGivenName: "Ahmed"},
		{ID: "R3", FamilyName: "王", GivenName: "芳", Country: "CN", Status: "registered", Language: "zh"},
	}); err != nil {
		t.Fatal(err)
	}
	anon := newBrowser(t, f.url)
	if resp, _ := anon.api("GET", "/api/delegates?q=kuznetsova", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("search without a session: %d, want 401", resp.StatusCode)
	}
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")
	type hit struct {
		ID        string `json:"id"`
		LatinName string `json:"latin_name"`
	}
	for q, want := range map[string]hit{
		"kuznetsova":           {ID: "R1"},
		"kuznecova darya":      {ID: "R1"},
		"d.kuznetsova@example": {ID: "R1"},
		"wang fang":            {ID: "R3"},
		"ahmed al mansouri":    {ID: "R2", LatinName: "Ahmed Al Mansouri"},
		"المنصوري":             {ID: "R2", LatinName: "Ahmed Al Mansouri"},
	} {
		resp, body := b.api("GET", "/api/delegates?q="+url.QueryEscape(q), "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("search %q: %d %s", q, resp.StatusCode, body)
		}
		var r struct {
			Results []hit `json:"results"`
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Results) != 1 || r.Results[0] != want {
			t.Errorf("search %q: got %+v, want %+v", q, r.Results, want)
		}
	}
	resp, body := b.api("GET", "/api/delegates/R2", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("card: %d %s", resp.StatusCode, body)
	}
	var card struct {
		Delegate struct {
			LatinFamilyName string `json:"latin_family_name"`
			LatinGivenName  string `json:"latin_given_name"`
		} `json:"delegate"`
	}
	if err := json.Unmarshal([]byte(body), &card); err != nil {
		t.Fatal(err)
	}
	if card.Delegate.LatinFamilyName != "Al Mansouri" || card.Delegate.LatinGivenName != "Ahmed" {
		t.Errorf("card latin names = %+v", card.Delegate)
	}
}
