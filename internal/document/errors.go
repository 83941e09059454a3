package document

import (
	"errors"
	"fmt"
)

// Error codes for documents that cannot be read. They are stable: the
// pipeline and the API report them as they are.
const (
	ErrEmpty       = "fichier_vide"
	ErrCorrupt     = "fichier_corrompu"
	ErrEncrypted   = "fichier_chiffre"
	ErrUnsupported = "format_non_pris_en_charge"
	ErrTooLarge    = "fichier_trop_volumineux"
	ErrPageLimit   = "trop_de_pages"
	ErrPixelLimit  = "image_trop_grande"
	ErrArchive     = "archive_hors_limites"
	ErrTimeout     = "delai_depasse"
	ErrMissingTool = "outil_absent"
	ErrInternal    = "erreur_interne"
)

// ReadError is why a document could not be read, with a message in French
// for the agents who see it.
type ReadError struct {
	Code    string
	Message string
	Cause   error
}

func (e *ReadError) Error() string { return e.Message }
func (e *ReadError) Unwrap() error { return e.Cause }

// Errorf builds a ReadError with a French message.
func Errorf(code, format string, args ...any) *ReadError {
	err := fmt.Errorf(format, args...)
	return &ReadError{Code: code, Message: err.Error(), Cause: errors.Unwrap(err)}
}

// ErrorCode returns the code of a ReadError in err's chain, or ErrInternal.
func ErrorCode(err error) string {
	var re *ReadError
	if errors.As(err, &re) {
		return re.Code
	}
	return ErrInternal
}
