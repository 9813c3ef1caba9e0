// Package badge knows what a badge is on the wire: canonical UIDs, reader
// frame formats and signed passes. It knows nothing of delegates.
package badge
