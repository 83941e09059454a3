// Package auth authenticates the web UI's agents and the API's reusers:
// argon2id passwords, signed session cookies with CSRF tokens, API keys
// stored as SHA-256, scopes, perimeters, rate limits and security headers.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are argon2id's costs. The defaults are OWASP's minimum
// for argon2id (19 MiB, 2 passes, 1 lane): about 30 ms here.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultPasswordParams are used for new hashes.
var DefaultPasswordParams = PasswordParams{Memory: 19 * 1024, Time: 2, Threads: 1}

// Bounds on a stored hash's parameters, so that a tampered row cannot
// make one login cost gigabytes or minutes.
const (
	maxMemory  = 256 * 1024
	maxTime    = 16
	maxThreads = 16
	saltLen    = 16
	keyLen     = 32
)

// MinPasswordLength is what account creation asks for.
const MinPasswordLength = 12

// HashPassword returns the PHC-encoded argon2id hash of password:
// $argon2id$v=19$m=…,t=…,p=…$salt$key.
func HashPassword(password string, p PasswordParams) (string, error) {
	if len(password) < MinPasswordLength {
		return "", fmt.Errorf("mot de passe trop court : %d caractères au moins", MinPasswordLength)
	}
	if len(password) > 1024 {
		return "", errors.New("mot de passe trop long : 1024 caractères au plus")
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

type parsedHash struct {
	params PasswordParams
	salt   []byte
	key    []byte
}

var errBadHash = errors.New("empreinte de mot de passe illisible")

// parseHash reads a PHC-encoded argon2id hash, refusing parameters out of bounds.
func parseHash(encoded string) (parsedHash, error) {
	var h parsedHash
	parts := strings.Split(encoded, "$")
	if len(encoded) > 512 || len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return h, errBadHash
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || seen[k] || n == 0 {
			return h, errBadHash
		}
		seen[k] = true
		switch k {
		case "m":
			h.params.Memory = uint32(n)
		case "t":
			h.params.Time = uint32(n)
		case "p":
			if n > maxThreads {
				return h, errBadHash
			}
			h.params.Threads = uint8(n)
		default:
			return h, errBadHash
		}
	}
	p := h.params
	if len(seen) != 3 || p.Memory > maxMemory || p.Time > maxTime || p.Memory < 8*uint32(p.Threads) {
		return h, errBadHash
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return h, errBadHash
	}
	if h.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 128 {
		return h, errBadHash
	}
	return h, nil
}

// VerifyPassword tells whether password matches the encoded hash, in
// constant time; an unreadable hash is an error, not a mismatch.
func VerifyPassword(encoded, password string) (bool, error) {
	h, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > 1024 {
		return false, nil
	}
	key := argon2.IDKey([]byte(password), h.salt, h.params.Time, h.params.Memory, h.params.Threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}
