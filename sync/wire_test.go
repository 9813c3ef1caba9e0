package sync_test

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"checkin/badge/pass"
	"checkin/kiosk"
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
	k := pass.Key{ID: "k1", Private: ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))} // the same every run
	pub := k.Public().String()
	f.Add(`{"keys":[{"id":"k1","public_key":"` + pub + `","proof":"` + k.Prove("north") + `"}]}`)
	f.Add(`{"keys":[{"id":"k1","public_key":"` + pub + `","proof":"` + k.Prove("south") + `"}]}`)
	f.Add(`{"keys":[{"id":"k2","public_key":"k1:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`)
	f.Add(`{"keys":[]}`)
	f.Fuzz(func(t *testing.T, in string) {
		keys, err := wire.DecodeKeys([]byte(in), "north")
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
			if pk.CheckProof("north", k.Proof) != nil {
				t.Fatalf("accepted a key without north's proof: %+v", k)
			}
		}
	})
}

func FuzzDecodeChangesPage(f *testing.F) {
	f.Add(`{"changes":[{"seq":1,"kind":"delegate","op":"upsert","data":{"id":"D1","family_name":"Müller"}},{"seq":2,"kind":"badge","op":"upsert","data":{"uid":"0a0b","delegate_id":"D1"}}],"next":2,"more":false}`)
	f.Add(`{"changes":[{"seq":3,"kind":"session","op":"upsert","data":{"id":"s","room":"K","start":"2026-11-22T09:00:00+01:00","end":"2026-11-22T10:00:00+01:00"}}],"next":3}`)
	f.Add(`{"changes":[{"seq":4,"kind":"arrival","op":"upsert","data":{"delegate_id":"D1","day":"2026-11-22","at":"2026-11-22T08:00:00Z"}},{"seq":5,"kind":"future","op":"upsert","data":{}}],"next":5}`)
	f.Add(`{"changes":[{"seq":6,"kind":"pass","op":"upsert","data":{"delegate_id":"D1","uid":"0123456789ABCDEF01234567","issued_at":"2026-11-22T08:00:00Z"}}],"next":6}`)
	f.Add(`{"changes":[{"seq":7,"kind":"apikey","op":"upsert","data":{"name":"lockers","hash":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","revoked":true}},{"seq":8,"kind":"apikey","op":"delete","data":{"name":"printers"}}],"next":8}`)
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
			bad := c.Value == nil
			switch v := c.Value.(type) {
			case *kiosk.Delegate:
				bad = v.ID == ""
			case *kiosk.BadgeBinding:
				bad = v.UID == ""
			case *kiosk.Session:
				bad = c.Op == "upsert" && !v.End.After(v.Start)
			case *kiosk.Pass:
				bad = v.DelegateID == "" || c.Op == "upsert" && (!kiosk.IsPassUID(v.UID) || v.IssuedAt.IsZero())
			case *kiosk.APIKey:
				bad = !kiosk.ValidAPIKeyName(v.Name) || c.Op == "upsert" && !kiosk.ValidSecretHash(v.Hash)
			}
			if bad {
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
	if err != nil || skipped != 2 || len(changes) != 2 || changes[1].Value.(*kiosk.BadgeBinding).UID != "0A0B" {
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

// TestDecodeChangesPageEveryKind pins what a page decodes to, kind by kind:
// what is taken (and how it reads in domain terms) and what is skipped.
func TestDecodeChangesPageEveryKind(t *testing.T) {
	in := `{"changes":[
		null,
		{"seq":1,"kind":"meeting","op":"upsert","data":{"id":"SG12","name":"Study Group 12","timezone":"Europe/Zurich","start":"2026-11-21","end":"2026-11-28"}},
		{"seq":2,"kind":"meeting","op":"upsert","data":{"id":"SG12","timezone":"Mars/Olympus"}},
		{"seq":3,"kind":"meeting","op":"upsert","data":{"timezone":"Europe/Zurich","start":"21.11.2026"}},
		{"seq":4,"kind":"meeting","op":"delete"},
		{"seq":5,"kind":"delegate","op":"upsert","data":{"id":"D1","family_name":"Müller","given_name":"Jürgen","organization":"Admin","country":"CH","role":"head","groups":["SG12","Q2/12"],"valid_from":"2026-11-21","valid_to":"2026-11-22","status":"registered","language":"en","email":"j@example.org","shoe_size":44}},
		{"seq":6,"kind":"delegate","op":"delete","data":{"id":"D3"}},
		{"seq":7,"kind":"delegate","op":"upsert","data":{"id":"D4"}},
		{"seq":8,"kind":"delegate","op":"delete","data":{"id":"` + strings.Repeat("x", 65) + `"}},
		{"seq":9,"kind":"delegate","op":"delete"},
		{"seq":10,"kind":"delegate","op":"delete","data":null},
		{"data":{"id":"D5","family_name":"Nkosi","country_name":"الكرسي الرسولي"},"op":"upsert","seq":11,"kind":"delegate","extra":[1,{"a":2}]},
		{"seq":12,"kind":"badge","op":"upsert","data":{"uid":"0a:0b:0c","delegate_id":"D1","revoked":true}},
		{"seq":13,"kind":"badge","op":"delete","data":{"uid":"0A0B0C"}},
		{"seq":14,"kind":"badge","op":"upsert","data":{"uid":"0A0B0C"}},
		{"seq":15,"kind":"badge","op":"upsert","data":{"uid":"not hex","delegate_id":"D1"}},
		{"seq":16,"kind":"room","op":"upsert","data":{"name":"K","building":"Tower","floor":"2","capacity":40,"overflow":"L"}},
		{"seq":17,"kind":"room","op":"delete","data":{"name":"L","capacity":0}},
		{"seq":18,"kind":"room","op":"upsert","data":{"building":"Tower"}},
		{"seq":19,"kind":"session","op":"upsert","data":{"id":"s1","title":"Plenary","room":"K","building":"Tower","start":"2026-11-22T09:00:00+01:00","end":"2026-11-22T10:30:00.5+01:00","groups":["SG12"],"status":"scheduled","moved_from":"L"}},
		{"seq":20,"kind":"session","op":"delete","data":{"id":"s2"}},
		{"seq":21,"kind":"session","op":"delete","data":{"id":"s3","start":"","end":""}},
		{"seq":22,"kind":"session","op":"upsert","data":{"id":"s4","room":"K","start":"2026-11-22T10:00:00Z","end":"2026-11-22T09:00:00Z"}},
		{"seq":23,"kind":"session","op":"upsert","data":{"id":"s5","room":"K","start":"2026-11-22 10:00","end":"2026-11-22T11:00:00Z"}},
		{"seq":24,"kind":"session","op":"upsert","data":{"id":"s6","start":"2026-11-22T10:00:00Z","end":"2026-11-22T11:00:00Z"}},
		{"seq":25,"kind":"arrival","op":"upsert","data":{"delegate_id":"D1","day":"2026-11-22","at":"2026-11-22T07:00:00Z","kiosk":"north"}},
		{"seq":26,"kind":"arrival","op":"upsert","data":{"delegate_id":"D1","day":"2026-11-23","at":""}},
		{"seq":27,"kind":"arrival","op":"upsert","data":{"delegate_id":"D1","day":"tomorrow"}},
		{"seq":28,"kind":"key","op":"upsert","data":{"id":"k1","public_key":"k1:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},
		{"seq":29,"kind":"key","op":"upsert","data":{"id":"k2","public_key":"k1:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},
		{"seq":30,"kind":"key","op":"delete","data":{"id":"k3"}},
		{"seq":31,"kind":"key","op":"delete","data":{}},
		{"seq":32,"kind":"hologram","op":"upsert","data":{"id":"h1"}},
		{"seq":33,"kind":"delegate","op":"merge","data":{"id":"D1","family_name":"Müller"}},
		{"seq":34,"kind":"Delegate","op":"upsert","data":{"id":"D1","family_name":"Müller"}},
		{"seq":35,"kind":"pass","op":"upsert","data":{"delegate_id":"D1","uid":"0123456789ABCDEF01234567","issued_at":"2026-11-22T08:00:00+01:00","kiosk":"north"}},
		{"seq":36,"kind":"pass","op":"upsert","data":{"delegate_id":"D1","uid":"0123456789abcdef01234567","issued_at":"2026-11-22T08:00:00+01:00"}},
		{"seq":37,"kind":"pass","op":"upsert","data":{"delegate_id":"D1","uid":"0A0B0C0D0E","issued_at":"2026-11-22T08:00:00+01:00"}},
		{"seq":38,"kind":"pass","op":"upsert","data":{"delegate_id":"D1","uid":"0123456789ABCDEF01234567"}},
		{"seq":39,"kind":"pass","op":"delete","data":{"delegate_id":"D2"}},
		{"seq":40,"kind":"staff","op":"upsert","data":{"username":"maria","role":"desk","password_hash":"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"}},
		{"seq":41,"kind":"staff","op":"upsert","data":{"username":"root","role":"superuser","password_hash":"$argon2id$v=19$x"}},
		{"seq":42,"kind":"staff","op":"upsert","data":{"username":"eve","role":"admin","password_hash":"plaintext"}},
		{"seq":43,"kind":"staff","op":"upsert","data":{"username":"a b","role":"desk","password_hash":"$argon2id$v=19$x"}},
		{"seq":44,"kind":"staff","op":"delete","data":{"username":"quentin"}},
		{"seq":45,"kind":"photo","op":"upsert","data":{"delegate_id":"D1","sha256":"b09af9a25ab64f7c36c827d63c7f542de4634c985158166e0a628b2f69c23d94","content_type":"image/jpeg","size":1446}},
		{"seq":46,"kind":"photo","op":"upsert","data":{"delegate_id":"D1","sha256":"b09af9a25ab64f7c36c827d63c7f542de4634c985158166e0a628b2f69c23d94","content_type":"image/gif","size":1446}},
		{"seq":47,"kind":"photo","op":"upsert","data":{"delegate_id":"D1","sha256":"B09AF9A25AB64F7C36C827D63C7F542DE4634C985158166E0A628B2F69C23D94","content_type":"image/png","size":1446}},
		{"seq":48,"kind":"photo","op":"delete","data":{"delegate_id":"D2"}},
		{"seq":49,"kind":"presence","op":"upsert","data":{"delegate_id":"D1","day":"2026-11-22","room":"K","direction":"in","at":"2026-11-22T09:05:00+01:00","tap_id":"t1","kiosk":"north","session_id":"s1"}},
		{"seq":50,"kind":"presence","op":"upsert","data":{"delegate_id":"D1","day":"2026-11-22","room":"K","direction":"sideways","at":"2026-11-22T09:05:00+01:00","tap_id":"t1"}},
		{"seq":51,"kind":"presence","op":"upsert","data":{"delegate_id":"D1","day":"2026-11-22","room":"K","direction":"in","tap_id":"t1"}},
		{"seq":52,"kind":"presence","op":"delete","data":{"delegate_id":"D1","day":"2026-11-22"}},
		{"seq":53,"kind":"room","op":"upsert","data":{"name":"K","capacity":3,"reset_day":"2026-11-22","reset_at":"2026-11-22T11:00:00+01:00"}},
		{"seq":54,"kind":"room","op":"upsert","data":{"name":"K","reset_day":"2026-11-22"}},
		{"seq":55,"kind":"apikey","op":"upsert","data":{"name":"lockers","hash":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","revoked":true}},
		{"seq":56,"kind":"apikey","op":"upsert","data":{"name":"lockers","hash":"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"}},
		{"seq":57,"kind":"apikey","op":"upsert","data":{"name":"e lockers","hash":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}},
		{"seq":58,"kind":"apikey","op":"delete","data":{"name":"printers"}}],
		"next":58,"more":true,"extra":"ignored"}`
	page, changes, skipped, err := wire.DecodeChangesPage([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	kinds := map[string]bool{}
	for _, c := range changes {
		line := fmt.Sprintf("%d %s %s %+v", c.Seq, c.Kind, c.Op, c.Value)
		if r, ok := c.Value.(*kiosk.Room); ok && r.Reset != nil {
			line = strings.Replace(line, fmt.Sprintf("Reset:%p", r.Reset), "Reset:0xPTR", 1)
			if r.Reset.Day != "2026-11-22" || !r.Reset.At.Equal(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)) || r.Reset.Room != "K" {
				t.Errorf("room reset %+v", *r.Reset)
			}
		}
		got = append(got, line)
		kinds[c.Kind] = true
	}
	if len(kinds) != len(kiosk.ChangeKinds()) { // a new kind: an entry in sync's kinds, and in this page
		t.Errorf("kinds decoded: %v, want %q", kinds, kiosk.ChangeKinds())
	}
	want := []string{
		"1 meeting upsert &{ID:SG12 Name:Study Group 12 TimeZone:Europe/Zurich Start:2026-11-21 End:2026-11-28}",
		"4 meeting delete &{ID: Name: TimeZone: Start: End:}",
		"5 delegate upsert &{ID:D1 FamilyName:Müller GivenName:Jürgen Organization:Admin Country:CH CountryName: Role:head Groups:[SG12 Q2/12] ValidFrom:2026-11-21 ValidTo:2026-11-22 Status:registered Language:en Email:j@example.org Badges:[] LatinFamilyName: LatinGivenName:}",
		"6 delegate delete &{ID:D3 FamilyName: GivenName: Organization: Country: CountryName: Role: Groups:[] ValidFrom: ValidTo: Status: Language: Email: Badges:[] LatinFamilyName: LatinGivenName:}",
		"11 delegate upsert &{ID:D5 FamilyName:Nkosi GivenName: Organization: Country: CountryName:الكرسي الرسولي Role: Groups:[] ValidFrom: ValidTo: Status: Language: Email: Badges:[] LatinFamilyName: LatinGivenName:}",
		"12 badge upsert &{UID:0A0B0C DelegateID:D1 Revoked:true}",
		"13 badge delete &{UID:0A0B0C DelegateID: Revoked:false}",
		"16 room upsert &{Name:K Building:Tower Floor:2 Capacity:40 Overflow:L Reset:<nil>}",
		"17 room delete &{Name:L Building: Floor: Capacity:0 Overflow: Reset:<nil>}",
		"19 session upsert &{ID:s1 Title:Plenary Room:K Building:Tower Start:2026-11-22 09:00:00 +0100 +0100 End:2026-11-22 10:30:00.5 +0100 +0100 Groups:[SG12] Status:scheduled MovedFrom:L}",
		"20 session delete &{ID:s2 Title: Room: Building: Start:0001-01-01 00:00:00 +0000 UTC End:0001-01-01 00:00:00 +0000 UTC Groups:[] Status: MovedFrom:}",
		"21 session delete &{ID:s3 Title: Room: Building: Start:0001-01-01 00:00:00 +0000 UTC End:0001-01-01 00:00:00 +0000 UTC Groups:[] Status: MovedFrom:}",
		"25 arrival upsert &{DelegateID:D1 Day:2026-11-22 At:2026-11-22 07:00:00 +0000 UTC Kiosk:north}",
		"26 arrival upsert &{DelegateID:D1 Day:2026-11-23 At:0001-01-01 00:00:00 +0000 UTC Kiosk:}",
		"28 key upsert &{ID:k1 PublicKey:k1:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo Origin:registry}",
		"30 key delete &{ID:k3 PublicKey: Origin:registry}",
		"35 pass upsert &{DelegateID:D1 UID:0123456789ABCDEF01234567 IssuedAt:2026-11-22 07:00:00 +0000 UTC Kiosk:north}",
		"39 pass delete &{DelegateID:D2 UID: IssuedAt:0001-01-01 00:00:00 +0000 UTC Kiosk:}",
		"40 staff upsert &{Username:maria Role:desk PasswordHash:$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA}",
		"44 staff delete &{Username:quentin Role: PasswordHash:}",
		"45 photo upsert &{DelegateID:D1 SHA256:b09af9a25ab64f7c36c827d63c7f542de4634c985158166e0a628b2f69c23d94 ContentType:image/jpeg Size:1446 Data:[] Updated:0001-01-01 00:00:00 +0000 UTC}",
		"48 photo delete &{DelegateID:D2 SHA256: ContentType: Size:0 Data:[] Updated:0001-01-01 00:00:00 +0000 UTC}",
		"49 presence upsert &{DelegateID:D1 Day:2026-11-22 Room:K Direction:in At:2026-11-22 08:05:00 +0000 UTC TapID:t1 Kiosk:north SessionID:s1}",
		"52 presence delete &{DelegateID:D1 Day:2026-11-22 Room: Direction: At:0001-01-01 00:00:00 +0000 UTC TapID: Kiosk: SessionID:}",
		"53 room upsert &{Name:K Building: Floor: Capacity:3 Overflow: Reset:0xPTR}",
		"55 apikey upsert &{Name:lockers Hash:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad Revoked:true Created:0001-01-01 00:00:00 +0000 UTC RevokedAt:0001-01-01 00:00:00 +0000 UTC Source:}",
		"58 apikey delete &{Name:printers Hash: Revoked:false Created:0001-01-01 00:00:00 +0000 UTC RevokedAt:0001-01-01 00:00:00 +0000 UTC Source:}",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if skipped != 32 || len(page.Changes) != 59 || page.Next != 58 || !page.More {
		t.Errorf("skipped %d of %d, next %d, more %v", skipped, len(page.Changes), page.Next, page.More)
	}
	// Data of the wrong shape for its kind makes the page malformed.
	for _, bad := range []string{
		`{"changes":[{"seq":1,"kind":"room","op":"upsert","data":{"name":"K","capacity":"40"}}],"next":1}`,
		`{"changes":[{"seq":1,"kind":"delegate","op":"upsert","data":{"id":"D1","family_name":"X","groups":"SG12"}}],"next":1}`,
		`{"changes":[{"seq":1,"kind":"badge","op":"upsert","data":[]}],"next":1}`,
		`{"changes":[{"seq":"1","kind":"badge","op":"upsert"}],"next":1}`,
		`{"changes":[{"seq":1,"kind":"badge","kind":"room","op":"upsert"}],"next":1}`,
	} {
		if _, _, _, err := wire.DecodeChangesPage([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func FuzzDecodePasses(f *testing.F) {
	k := pass.Key{ID: "k1", Private: ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))}
	token, _, _ := pass.Issue(k, "D1", "SG12", time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	f.Add(`{"passes":[{"token":"` + token + `"}]}`)
	f.Add(`{"passes":[{"token":"` + token + `"},{"token":"CK1.AAAA.BBBB"}]}`)
	f.Add(`{"passes":[{"token":"CK1.\u00e9"}]}`)
	f.Add(`{"passes":[]}`)
	f.Add(`{"passes":[{"token":"hello"}],"x":1}`)
	f.Fuzz(func(t *testing.T, in string) {
		passes, err := wire.DecodePasses([]byte(in))
		if err != nil {
			if kiosk.ErrorCode(err) != kiosk.EINVALID {
				t.Fatalf("error without code invalid: %v", err)
			}
			return
		}
		if len(passes) == 0 || len(passes) > wire.MaxEventsPerPost {
			t.Fatalf("accepted %d passes", len(passes))
		}
		for _, p := range passes {
			if !strings.HasPrefix(p.Token, pass.Prefix) || len(p.Token) > pass.MaxTokenLen || strings.ContainsAny(p.Token, " \n\x00") {
				t.Fatalf("accepted token %q", p.Token)
			}
		}
	})
}

// TestDelegateDataAdditions: a delegate's country_name is decoded, and a
// data member this version does not know (a newer registry's) is ignored,
// not a malformed page.
func TestDelegateDataAdditions(t *testing.T) {
	_, cs, skipped, err := wire.DecodeChangesPage([]byte(`{"changes":[{"seq":1,"kind":"delegate","op":"upsert",
		"data":{"id":"V1","family_name":"Parolin","country":"VA","country_name":"Holy See","some_later_field":"x"}}],"next":1,"more":false}`))
	if err != nil || skipped != 0 || len(cs) != 1 {
		t.Fatalf("page: %d changes, %d skipped, %v", len(cs), skipped, err)
	}
	if d := cs[0].Value.(*kiosk.Delegate); d.Country != "VA" || d.CountryName != "Holy See" {
		t.Errorf("delegate = %+v", *d)
	}
}

// TestDelegateLatinNames: a page with a delegate's latin names decodes
// them, a page of a registry before them (no such members) decodes with
// none, and encoding leaves them out when empty, so an old kiosk reads
// nothing new.
func TestDelegateLatinNames(t *testing.T) {
	page := `{"changes":[
		{"seq":1,"kind":"delegate","op":"upsert","data":{"id":"L1","family_name":"المنصوري","given_name":"أحمد","latin_family_name":"Al Mansouri","latin_given_name":"Ahmed"}},
		{"seq":2,"kind":"delegate","op":"upsert","data":{"id":"L2","family_name":"Кузнецова","given_name":"Дарья"}}],"next":2,"more":false}`
	_, changes, skipped, err := wire.DecodeChangesPage([]byte(page))
	if err != nil || skipped != 0 || len(changes) != 2 {
		t.Fatalf("decode: %d changes, %d skipped, %v", len(changes), skipped, err)
	}
	if d := changes[0].Value.(*kiosk.Delegate); d.LatinFamilyName != "Al Mansouri" || d.LatinGivenName != "Ahmed" {
		t.Errorf("L1 latin names = %q, %q", d.LatinFamilyName, d.LatinGivenName)
	}
	if d := changes[1].Value.(*kiosk.Delegate); d.LatinFamilyName != "" || d.LatinGivenName != "" {
		t.Errorf("L2 latin names = %q, %q, want none", d.LatinFamilyName, d.LatinGivenName)
	}
	b, err := json.Marshal(wire.DelegateData{ID: "L2", FamilyName: "Кузнецова"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "latin") {
		t.Errorf("encoded %s, want no latin members when empty", b)
	}
}

// TestRoomOverflow: a room's overflow travels in the feed, is left out
// when empty (a kiosk before it reads nothing new), and a member this
// version does not know is ignored, as a kiosk before overflow ignores
// overflow. A room that overflows to itself, or with a capacity out of
// range, is skipped.
func TestRoomOverflow(t *testing.T) {
	page := `{"changes":[
		{"seq":1,"kind":"room","op":"upsert","data":{"name":"K","capacity":40,"overflow":"Popov","doors":["north"]}},
		{"seq":2,"kind":"room","op":"upsert","data":{"name":"Popov","building":"Tower"}},
		{"seq":3,"kind":"room","op":"upsert","data":{"name":"L","overflow":"L"}},
		{"seq":4,"kind":"room","op":"upsert","data":{"name":"M","capacity":-1}},
		{"seq":5,"kind":"room","op":"upsert","data":{"name":"N","capacity":100001}}],"next":5,"more":false}`
	_, changes, skipped, err := wire.DecodeChangesPage([]byte(page))
	if err != nil || skipped != 3 || len(changes) != 2 {
		t.Fatalf("decode: %d changes, %d skipped, %v", len(changes), skipped, err)
	}
	if r := changes[0].Value.(*kiosk.Room); *r != (kiosk.Room{Name: "K", Capacity: 40, Overflow: "Popov"}) {
		t.Errorf("K = %+v", *r)
	}
	if r := changes[1].Value.(*kiosk.Room); *r != (kiosk.Room{Name: "Popov", Building: "Tower"}) {
		t.Errorf("Popov = %+v", *r)
	}
	b, err := json.Marshal(wire.RoomData{Name: "Popov", Capacity: 120})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"name":"Popov","capacity":120}` {
		t.Errorf("encoded %s, want no overflow member when empty", b)
	}
}

// TestDecodeCheckinsSources: the registry takes a check-in from every
// source a kiosk records, a keyboard-wedge reader's too, and no other.
func TestDecodeCheckinsSources(t *testing.T) {
	for source, ok := range map[string]bool{"rfid": true, "qr": true, "keyboard": true, "desk": true, "nfc": false, "": false} {
		body := `{"events":[{"id":"e1","delegate_id":"D1","uid":"0A0B0C0D0E","source":"` + source +
			`","kiosk":"north","gate":"main","direction":"in","at":"2026-11-22T09:00:00Z","result":"accepted","reason":""}]}`
		_, err := wire.DecodeCheckins([]byte(body))
		if (err == nil) != ok {
			t.Errorf("source %q: err = %v, want accepted %v", source, err, ok)
		}
	}
}

func TestDecodeCheckinsRoomDoors(t *testing.T) {
	base := `"id":"e1","delegate_id":"D1","uid":"0A0B0C0D0E","source":"rfid","kiosk":"north","gate":"door","direction":"in","at":"2026-11-22T09:00:00Z"`
	for body, ok := range map[string]bool{
		`"result":"accepted","reason":"","room":"Room K","session_id":"q9"`:           true,
		`"result":"rejected","reason":"room_full","room":"Room K","session_id":"q9"`:  true,
		`"result":"rejected","reason":"no_session_now","room":"Room K"`:               true,
		`"result":"rejected","reason":"room_full"`:                                    false, // a door's reason at the entrance
		`"result":"accepted","reason":"","session_id":"q9"`:                           false, // a session without its room
		`"result":"accepted","reason":"","room":"` + strings.Repeat("K", 65) + `"`:    false,
		`"result":"rejected","reason":"not_in_session_groups","room":"K","extra":"x"`: false,
	} {
		events, err := wire.DecodeCheckins([]byte(`{"events":[{` + base + `,` + body + `}]}`))
		if (err == nil) != ok {
			t.Errorf("%s: err = %v, want accepted %v", body, err, ok)
		}
		if err == nil && events[0].Room == "" {
			t.Errorf("%s: room lost", body)
		}
	}
}

func FuzzDecodeRoomResets(f *testing.F) {
	f.Add(`{"resets":[{"id":"r1","room":"Room K","day":"2026-11-22","at":"2026-11-22T10:00:00Z","by":"dana"}]}`)
	f.Add(`{"resets":[{"id":"r1","room":"","day":"22.11.2026","at":"1999-01-01T00:00:00Z"}]}`)
	f.Add(`{"resets":null}`)
	f.Fuzz(func(t *testing.T, in string) {
		resets, err := wire.DecodeRoomResets([]byte(in))
		if err != nil {
			if kiosk.ErrorCode(err) != kiosk.EINVALID {
				t.Fatalf("%v: want EINVALID", err)
			}
			return
		}
		for _, r := range resets {
			if !kiosk.ValidLabel(r.ID) || !kiosk.ValidLabel(r.Room) || !kiosk.ValidDate(r.Day) || r.At.IsZero() || r.At.Location() != time.UTC {
				t.Fatalf("accepted invalid reset %+v", r)
			}
		}
	})
}

func TestDecodeRoomResets(t *testing.T) {
	got, err := wire.DecodeRoomResets([]byte(`{"resets":[{"id":"r1","room":"Salle 會議室","day":"2026-11-22","at":"2026-11-22T10:00:00+01:00","by":"dana"}]}`))
	if err != nil || len(got) != 1 || got[0].Room != "Salle 會議室" || !got[0].At.Equal(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v %v", got, err)
	}
	for _, bad := range []string{
		`{"resets":[{"id":"r1","room":"K","day":"tomorrow","at":"2026-11-22T10:00:00Z"}]}`,
		`{"resets":[{"id":"r1","room":"","day":"2026-11-22","at":"2026-11-22T10:00:00Z"}]}`,
		`{"resets":[{"id":"r1","room":"K","day":"2026-11-22","at":"1970-01-01T00:00:00Z"}]}`,
		`{"resets":[{"room":"K","day":"2026-11-22","at":"2026-11-22T10:00:00Z"}]}`,
		`{"resets":[{"id":"r1","room":"K","day":"2026-11-22","at":"2026-11-22T10:00:00Z","colour":"red"}]}`,
	} {
		if _, err := wire.DecodeRoomResets([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		} else if kiosk.ErrorCode(err) != kiosk.EINVALID {
			t.Errorf("%s: %v, want EINVALID", bad, err)
		}
	}
}
