package doctor

import (
	"errors"
	"fmt"
	"strings"
)

// ParseEnvFile parses an environment file as systemd's EnvironmentFile=
// does: KEY=VALUE lines; blank lines and lines starting with # or ; are
// skipped; a value in single quotes is taken as it is, one in double
// quotes takes \" \\ \` \$ escapes; either may span lines; a backslash at
// the end of a line continues it (also in comments); outside quotes,
// spaces around the value are dropped and a backslash escapes the next
// character. A line that is not an assignment, a bad name or an
// unterminated quote is an error naming name:LINE. A name given twice
// takes the last value, as systemd does.
func ParseEnvFile(name string, data []byte) (map[string]string, error) {
	vars := map[string]string{}
	s := string(data)
	line := 1 // the line at i
	i := 0
	errAt := func(at int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, at, fmt.Sprintf(format, args...))
	}
	for i < len(s) {
		// Before a key: blank space, comments.
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case c == '#' || c == ';':
			for i < len(s) && s[i] != '\n' {
				if s[i] == '\\' && i+1 < len(s) && s[i+1] == '\n' {
					i++
					line++
				}
				i++
			}
			continue
		}
		start := line
		eol := strings.IndexByte(s[i:], '\n')
		if eol < 0 {
			eol = len(s) - i
		}
		eq := strings.IndexByte(s[i:i+eol], '=')
		if eq < 0 {
			return nil, errAt(start, "%q is not KEY=VALUE", strings.TrimSpace(s[i:i+eol]))
		}
		key := strings.TrimRight(s[i:i+eq], " \t")
		if !validEnvName(key) {
			return nil, errAt(start, "%q is not a valid variable name", key)
		}
		i += eq + 1
		v, err := envValue(s, &i, &line)
		if err != nil {
			return nil, errAt(start, "%s: %v", key, err)
		}
		vars[key] = v
	}
	return vars, nil
}

// envValue reads a value from s[*i] to the end of its line, as systemd's
// env-file parser does: spaces before it are skipped; after a closing
// quote, spaces are skipped again; unquoted, a quote is an ordinary
// character and spaces at the end are dropped. It moves *i and counts the
// lines it crosses in *line.
func envValue(s string, i, line *int) (string, error) {
	const (
		pre = iota
		plain
		single
		double
	)
	state := pre
	var v []byte
	keep := 0 // v without the unquoted spaces at its end
	for ; *i < len(s); *i++ {
		c := s[*i]
		switch state {
		case pre, plain:
			switch {
			case c == '\n':
				return string(v[:keep]), nil
			case c == ' ' || c == '\t' || c == '\r':
				if state == plain {
					v = append(v, c)
				}
			case state == pre && c == '\'':
				state = single
			case state == pre && c == '"':
				state = double
			case c == '\\':
				state = plain
				if *i+1 < len(s) {
					*i++
					if s[*i] == '\n' {
						*line++ // continuation
					} else {
						v = append(v, s[*i])
						keep = len(v)
					}
				}
			default:
				state = plain
				v = append(v, c)
				keep = len(v)
			}
		case single:
			if c == '\'' {
				state, keep = pre, len(v)
				continue
			}
			if c == '\n' {
				*line++
			}
			v = append(v, c)
		case double:
			switch {
			case c == '"':
				state, keep = pre, len(v)
			case c == '\\' && *i+1 < len(s):
				*i++
				switch n := s[*i]; {
				case n == '\n':
					*line++ // continuation
				case strings.IndexByte("\"\\`$", n) >= 0:
					v = append(v, n)
				default:
					v = append(v, '\\', n)
				}
			default:
				if c == '\n' {
					*line++
				}
				v = append(v, c)
			}
		}
	}
	switch state {
	case single:
		return "", errors.New("a single quote is not closed")
	case double:
		return "", errors.New("a double quote is not closed")
	}
	return string(v[:keep]), nil
}

// validEnvName reports whether s is a variable name: letters, digits and
// underscores, not starting with a digit.
func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
