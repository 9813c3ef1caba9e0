package sqlitedb

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// OwnLikeDir gives each existing path the owner and group of the directory
// it is in, when this process runs as root and they differ. An operator
// who runs `sudo checkin import …` on the service's data directory then
// leaves files the service's own user can still open: a database file,
// WAL or shared-memory file left to root would stop the kiosk at its next
// start. Files that do not exist are skipped; as any other user it does
// nothing (the files are already that user's).
func OwnLikeDir(paths ...string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	var errs []error
	for _, p := range paths {
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			errs = append(errs, err)
			continue
		}
		dir, err := os.Stat(filepath.Dir(p))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f, d := st.Sys().(*syscall.Stat_t), dir.Sys().(*syscall.Stat_t)
		if f == nil || d == nil || (f.Uid == d.Uid && f.Gid == d.Gid) {
			continue
		}
		if err := os.Lchown(p, int(d.Uid), int(d.Gid)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
