// Package photoimport reads delegates' photos for `checkin import photos`:
// a folder or a zip archive of files named by delegate id
// (<id>.jpg|.jpeg|.png, any case), each checked as every photo is
// (kiosk.CheckPhoto). Every problem is reported, one per file, so that
// one run tells the operator everything to fix; nothing is half read.
package photoimport

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"checkin/kiosk"
)

// Limits of one import. The photos are held in memory until they are
// written in one transaction; MaxTotal also bounds what a zip may unpack
// to (a zip bomb stops there, as does an entry that lies about its size).
const (
	MaxFiles = 100_000
	MaxTotal = 512 << 20
)

// Problem is what is wrong with one file (or the archive as a whole, File
// "").
type Problem struct {
	File string
	Msg  string
}

func (p Problem) String() string {
	if p.File == "" {
		return p.Msg
	}
	return p.File + ": " + p.Msg
}

// Result is what a folder or archive holds: the photos, by file, and
// the files left aside (hidden files, folders of a zip).
type Result struct {
	Photos   []kiosk.Photo
	Files    map[string]string // delegate id → file it came from
	Problems []Problem
	Skipped  []string
}

// Read reads the photos of a folder or a .zip file.
func Read(name string) (Result, error) {
	st, err := os.Stat(name)
	if err != nil {
		return Result{}, err
	}
	if st.IsDir() {
		return ReadFS(os.DirFS(name), ".")
	}
	f, err := os.Open(name)
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	return ReadZip(f, st.Size())
}

// ReadFS reads the photos of one folder of fsys (not its sub-folders,
// which are listed as skipped).
func ReadFS(fsys fs.FS, dir string) (Result, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return Result{}, err
	}
	r := newReader()
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
			r.res.Skipped = append(r.res.Skipped, name+"/")
		case strings.HasPrefix(name, "."):
			r.res.Skipped = append(r.res.Skipped, name)
		case !e.Type().IsRegular():
			r.problem(name, "not a regular file")
		default:
			info, err := e.Info()
			if err != nil {
				r.problem(name, err.Error())
				continue
			}
			r.file(name, name, info.Size(), func() (io.ReadCloser, error) { return fsys.Open(path.Join(dir, name)) })
		}
	}
	return r.done(), nil
}

// ReadZip reads the photos of a zip archive. Entries in folders are read
// by their base name (a zipped folder); a name that climbs out (..) or is
// absolute is a problem; macOS's __MACOSX folder and hidden files are
// skipped.
func ReadZip(ra io.ReaderAt, size int64) (Result, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return Result{}, kiosk.Errorf(kiosk.EINVALID, "not a zip archive: %v", err)
	}
	r := newReader()
	if len(zr.File) > MaxFiles {
		r.problem("", fmt.Sprintf("the archive has %d entries; at most %d", len(zr.File), MaxFiles))
		return r.done(), nil
	}
	for _, f := range zr.File {
		name := f.Name
		clean := path.Clean(strings.ReplaceAll(name, `\`, "/"))
		base := path.Base(clean)
		switch {
		case strings.HasSuffix(name, "/"):
			continue // a folder entry
		case strings.HasPrefix(name, "/") || filepath.IsAbs(name) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(name, ":"):
			r.problem(name, "unsafe path in the archive")
		case strings.HasPrefix(clean, "__MACOSX/") || strings.HasPrefix(base, "."):
			r.res.Skipped = append(r.res.Skipped, name)
		case !f.Mode().IsRegular():
			r.problem(name, "not a regular file")
		default:
			r.file(name, base, int64(min(f.UncompressedSize64, 1<<62)), f.Open)
		}
	}
	return r.done(), nil
}

type reader struct {
	res   Result
	total int64
	from  map[string][]string // delegate id → files naming it
}

func newReader() *reader {
	return &reader{res: Result{Files: map[string]string{}}, from: map[string][]string{}}
}

func (r *reader) problem(file, msg string) {
	r.res.Problems = append(r.res.Problems, Problem{File: file, Msg: msg})
}

// Extensions a photo file may have (any case).
var extensions = map[string]bool{".jpg": true, ".jpeg": true, ".png": true}

// file checks one file: its name, its size (declared, then read), its
// bytes as a photo.
func (r *reader) file(file, base string, size int64, open func() (io.ReadCloser, error)) {
	ext := path.Ext(base)
	id := strings.TrimSuffix(base, ext)
	switch {
	case !extensions[strings.ToLower(ext)]:
		r.problem(file, "not named <delegate id>.jpg, .jpeg or .png")
		return
	case !kiosk.ValidLabel(id):
		r.problem(file, fmt.Sprintf("%q is not a valid delegate id", id))
		return
	case size > kiosk.MaxPhotoBytes:
		r.problem(file, fmt.Sprintf("%d bytes; a photo is at most %d (%d MB)", size, kiosk.MaxPhotoBytes, kiosk.MaxPhotoBytes>>20))
		return
	case r.total+size > MaxTotal:
		r.problem(file, fmt.Sprintf("the import passes %d MB of photos here; split it into several", MaxTotal>>20))
		return
	}
	r.from[id] = append(r.from[id], file)
	data, err := readAtMost(open, kiosk.MaxPhotoBytes)
	if err != nil {
		r.problem(file, err.Error())
		return
	}
	r.total += int64(len(data))
	p, err := kiosk.NewPhoto(id, data)
	if err != nil {
		r.problem(file, strings.TrimPrefix(kiosk.ErrorMessage(err), "photo "))
		return
	}
	r.res.Photos = append(r.res.Photos, p)
	r.res.Files[id] = file
}

// readAtMost reads a file, failing past limit bytes whatever its header
// said.
func readAtMost(open func() (io.ReadCloser, error), limit int64) ([]byte, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("more than %d bytes; a photo is at most %d MB", limit, limit>>20)
	}
	return data, nil
}

// done adds the problems of ids named by several files, and sorts
// everything by file.
func (r *reader) done() Result {
	for id, files := range r.from {
		if len(files) < 2 {
			continue
		}
		sort.Strings(files)
		for _, f := range files {
			r.problem(f, fmt.Sprintf("delegate %s has several photos here (%s): keep one", id, strings.Join(files, ", ")))
		}
		r.res.Photos = slicesDeleteID(r.res.Photos, id)
		delete(r.res.Files, id)
	}
	sort.SliceStable(r.res.Problems, func(i, j int) bool { return r.res.Problems[i].File < r.res.Problems[j].File })
	sort.Slice(r.res.Photos, func(i, j int) bool { return r.res.Photos[i].DelegateID < r.res.Photos[j].DelegateID })
	sort.Strings(r.res.Skipped)
	return r.res
}

func slicesDeleteID(photos []kiosk.Photo, id string) []kiosk.Photo {
	out := photos[:0]
	for _, p := range photos {
		if p.DelegateID != id {
			out = append(out, p)
		}
	}
	return out
}

// ErrNoPhotos is an import with no photo file in it.
var ErrNoPhotos = errors.New("no photos found: name the files <delegate id>.jpg, .jpeg or .png")
