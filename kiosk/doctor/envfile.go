package doctor

import (
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
		var v strings.Builder
		pending := "" // unquoted spaces, kept only if more value follows
	value:
		for i < len(s) {
			c := s[i]
			switch {
			case c == '\n':
				break value
			case c == ' ' || c == '\t' || c == '\r':
				if v.Len() > 0 {
					pending += string(c)
				}
				i++
			case c == '\'':
				v.WriteString(pending)
				pending = ""
				end := strings.IndexByte(s[i+1:], '\'')
				if end < 0 {
					return nil, errAt(start, "%s: a single quote is not closed", key)
				}
				quoted := s[i+1 : i+1+end]
				v.WriteString(quoted)
				line += strings.Count(quoted, "\n")
				i += end + 2
			case c == '"':
				v.WriteString(pending)
				pending = ""
				i++
				closed := false
				for i < len(s) && !closed {
					c := s[i]
					switch {
					case c == '"':
						closed = true
					case c == '\\' && i+1 < len(s):
						i++
						switch n := s[i]; {
						case n == '\n':
							line++ // continuation: nothing
						case strings.IndexByte("\"\\`$", n) >= 0:
							v.WriteByte(n)
						default:
							v.WriteByte('\\')
							v.WriteByte(n)
						}
					default:
						if c == '\n' {
							line++
						}
						v.WriteByte(c)
					}
					i++
				}
				if !closed {
					return nil, errAt(start, "%s: a double quote is not closed", key)
				}
			case c == '\\':
				v.WriteString(pending)
				pending = ""
				i++
				if i < len(s) {
					if s[i] == '\n' {
						line++
					} else {
						v.WriteByte(s[i])
					}
					i++
				}
			default:
				v.WriteString(pending)
				pending = ""
				v.WriteByte(c)
				i++
			}
		}
		vars[key] = v.String()
	}
	return vars, nil
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
