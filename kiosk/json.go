package kiosk

import (
	"bytes"
	"encoding/json"
)

// DecodeJSON decodes a request body that must be exactly one JSON value of
// v's shape: unknown fields, trailing data and an empty body are refused
// with EINVALID errors that say what is wrong. The kiosk's API and the
// sync protocol share it, so both refuse the same bodies the same way.
func DecodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return Errorf(EINVALID, "request body is empty: send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Errorf(EINVALID, "invalid JSON body: %v", err)
	}
	if dec.More() {
		return Errorf(EINVALID, "invalid JSON body: more than one value")
	}
	return nil
}
