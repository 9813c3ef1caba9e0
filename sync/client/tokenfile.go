package client

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Problems ReadTokenFile finds in a token file, beside the file system's
// own (fs.ErrNotExist, fs.ErrPermission): each caller words them for its
// reader (the kiosk refuses to start, checkin doctor says what to do).
var (
	ErrTokenFileShared = errors.New("token file readable by others")
	ErrTokenFileEmpty  = errors.New("token file empty")
	ErrTokenFileExtra  = errors.New("token file holds more than the token")
)

// ReadTokenFile reads a kiosk's sync token from a file that only its owner
// may read: like an SSH key, a token others can read is refused
// (ErrTokenFileShared, with the file's mode). A file in systemd's
// credentials directory (credentials: $CREDENTIALS_DIRECTORY, "" for
// none) is taken as it is: systemd lets only the service's user read it,
// by an ACL that shows as group bits in its mode.
func ReadTokenFile(path, credentials string) (token string, mode fs.FileMode, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", 0, err
	}
	mode = st.Mode().Perm()
	if mode&0o077 != 0 && !inDir(path, credentials) {
		return "", mode, ErrTokenFileShared
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", mode, err
	}
	token = strings.TrimSpace(string(data))
	switch {
	case token == "":
		return "", mode, ErrTokenFileEmpty
	case strings.ContainsAny(token, " \t\r\n"):
		return "", mode, ErrTokenFileExtra
	}
	return token, mode, nil
}

// inDir reports whether path is inside dir ("" is no directory).
func inDir(path, dir string) bool {
	if dir == "" {
		return false
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}
