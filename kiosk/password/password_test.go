package password_test

import (
	"errors"
	"strings"
	"testing"

	"checkin/kiosk/password"
)

func TestHashCheck(t *testing.T) {
	h, err := password.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %q", h)
	}
	if err := password.Check("correct horse battery", h); err != nil {
		t.Errorf("Check(right) = %v", err)
	}
	if err := password.Check("correct horse batterY", h); !errors.Is(err, password.ErrMismatch) {
		t.Errorf("Check(wrong) = %v, want mismatch", err)
	}
	h2, _ := password.Hash("correct horse battery")
	if h2 == h {
		t.Errorf("two hashes of one password are equal: salt not random")
	}
}

func TestRules(t *testing.T) {
	tests := []struct {
		pw   string
		want error
	}{
		{"short", password.ErrTooShort},
		{"пароль12", nil}, // 8 characters, 15 bytes
		{strings.Repeat("x", 257), password.ErrTooLong},
	}
	for _, tt := range tests {
		if _, err := password.Hash(tt.pw); !errors.Is(err, tt.want) {
			t.Errorf("Hash(%q) = %v, want %v", tt.pw, err, tt.want)
		}
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=18$m=8,t=1,p=1$AA$AA", "$argon2id$v=19$m=8,t=1,p=1$!!$AA"} {
		if err := password.Check("whatever1", bad); !errors.Is(err, password.ErrBadFormat) {
			t.Errorf("Check against %q = %v, want bad format", bad, err)
		}
	}
}
