package sync_test

import (
	"encoding/json"
	"strings"
	"testing"

	"checkin/badge/pass"
	wire "checkin/sync"
)

const event = `{"id":"e1","delegate_id":"D1","uid":"0A0B0C0D0E","source":"rfid","kiosk":"k","gate":"main","direction":"in","at":"2026-11-22T09:00:00Z","result":"accepted","reason":""}`

func FuzzDecodeCheckins(f *testing.F) {
	f.Add(`{"events":[` + event + `]}`)
	f.Add(`{"events":[]}`)
	f.Add(`{"events":[{"id":"x","source":"qr","gate":"g","direction":"out","at":"2026-01-01T00:00:00Z","result":"rejected","reason":"invalid_pass"}]}`)
	f.Add(`{"events":null}`)
	f.Fuzz(func(t *testing.T, in string) {
		events, err := wire.DecodeCheckins([]byte(in))
		if err != nil {
			return
		}
		for _, e := range events {
			if e.ID == "" || (e.Result != "accepted" && e.Result != "rejected") || (e.Direction != "in" && e.Direction != "out") {
				t.Fatalf("accepted invalid event %+v", e)
			}
			if e.Result == "accepted" && (e.Reason != "" || e.DelegateID == "") {
				t.Fatalf("accepted event with reason or without delegate: %+v", e)
			}
		}
	})
}

func FuzzDecodeBadgeEvents(f *testing.F) {
	f.Add(`{"events":[{"id":"b1","op":"bind","uid":"04:a1:b2","delegate_id":"D1","at":"2026-11-22T09:00:00Z"}]}`)
	f.Add(`{"events":[{"id":"b2","op":"revoke","uid":"04A1B2","at":"2026-11-22T09:00:00Z"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		events, err := wire.DecodeBadgeEvents([]byte(in))
		if err != nil {
			return
		}
		for _, e := range events {
			if e.UID == "" || strings.Trim(e.UID, "0123456789ABCDEF") != "" || (e.Op == "bind" && e.DelegateID == "") {
				t.Fatalf("accepted invalid badge event %+v", e)
			}
		}
	})
}

func FuzzDecodeKeys(f *testing.F) {
	f.Add(`{"keys":[{"id":"k1","public_key":"k1:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`)
	f.Add(`{"keys":[{"id":"k2","public_key":"k1:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`)
	f.Add(`{"keys":[]}`)
	f.Fuzz(func(t *testing.T, in string) {
		keys, err := wire.DecodeKeys([]byte(in))
		if err != nil {
			return
		}
		if len(keys) == 0 {
			t.Fatal("accepted no keys")
		}
		for _, k := range keys {
			pk, err := pass.ParsePublicKey(k.PublicKey)
			if err != nil || pk.ID != k.ID {
				t.Fatalf("accepted invalid key %+v: %v", k, err)
			}
		}
	})
}

func FuzzDecodeChangesPage(f *testing.F) {
	f.Add(`{"changes":[{"seq":1,"kind":"delegate","op":"upsert","data":{"id":"D1","family_name":"Müller"}},{"seq":2,"kind":"badge","op":"upsert","data":{"uid":"0a0b","delegate_id":"D1"}}],"next":2,"more":false}`)
	f.Add(`{"changes":[{"seq":3,"kind":"session","op":"upsert","data":{"id":"s","room":"K","start":"2026-11-22T09:00:00+01:00","end":"2026-11-22T10:00:00+01:00"}}],"next":3}`)
	f.Add(`{"changes":[{"seq":4,"kind":"arrival","op":"upsert","data":{"delegate_id":"D1","day":"2026-11-22","at":"2026-11-22T08:00:00Z"}},{"seq":5,"kind":"future","op":"upsert","data":{}}],"next":5}`)
	f.Add(`{"changes":[],"next":0}`)
	f.Fuzz(func(t *testing.T, in string) {
		page, changes, skipped, err := wire.DecodeChangesPage([]byte(in))
		if err != nil {
			return
		}
		if len(changes)+skipped != len(page.Changes) {
			t.Fatalf("%d changes + %d skipped != %d entries", len(changes), skipped, len(page.Changes))
		}
		for _, c := range changes {
			switch {
			case c.Delegate != nil && c.Delegate.ID == "",
				c.Badge != nil && c.Badge.UID == "",
				c.Session != nil && c.Op == "upsert" && !c.Session.End.After(c.Session.Start):
				t.Fatalf("invalid change passed: %+v", c)
			}
		}
	})
}

func TestDecodeChangesPageSkipsWhatItCannotApply(t *testing.T) {
	in := `{"changes":[
		{"seq":1,"kind":"delegate","op":"upsert","data":{"id":"D1","family_name":"Müller"}},
		{"seq":2,"kind":"hologram","op":"upsert","data":{}},
		{"seq":3,"kind":"badge","op":"upsert","data":{"uid":"not hex","delegate_id":"D1"}},
		{"seq":4,"kind":"badge","op":"delete","data":{"uid":"0a:0b"}}],"next":4,"more":false}`
	_, changes, skipped, err := wire.DecodeChangesPage([]byte(in))
	if err != nil || skipped != 2 || len(changes) != 2 || changes[1].Badge.UID != "0A0B" {
		t.Fatalf("changes %+v, skipped %d, err %v", changes, skipped, err)
	}
	if _, _, _, err := wire.DecodeChangesPage([]byte(`{"changes":[{"seq":2},{"seq":1}],"next":2}`)); err == nil {
		t.Errorf("out-of-order seqs accepted")
	}
	var page wire.ChangesPage
	if err := json.Unmarshal([]byte(in), &page); err != nil {
		t.Fatal(err)
	}
}
