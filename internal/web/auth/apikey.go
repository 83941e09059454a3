package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// API keys read dep_<id>_<secret>: the id names the key in lists and
// logs, the secret is shown once and only its SHA-256 (of the whole key)
// is stored. Both parts are lower-case base32, without padding.
const keyPrefix = "dep_"

var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewAPIKey draws a key: its id, the full key to give the reuser, and
// the hash to store.
func NewAPIKey() (id, key, hash string, err error) {
	b := make([]byte, 5+32)
	if _, err := rand.Read(b); err != nil {
		return "", "", "", err
	}
	id = keyEncoding.EncodeToString(b[:5])
	key = keyPrefix + id + "_" + keyEncoding.EncodeToString(b[5:])
	return id, key, HashAPIKey(key), nil
}

// HashAPIKey is what the store keeps of a key.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// ParseAPIKey checks a key's shape and returns its id.
func ParseAPIKey(key string) (id string, ok bool) {
	rest, found := strings.CutPrefix(key, keyPrefix)
	if !found || len(key) > 128 {
		return "", false
	}
	id, secret, found := strings.Cut(rest, "_")
	if !found || len(id) != 8 || len(secret) < 40 || !isKeyText(id) || !isKeyText(secret) {
		return "", false
	}
	return id, true
}

func isKeyText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}
