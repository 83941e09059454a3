package referential

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// Etablissement is one row of INSEE's StockEtablissement file, reduced to
// what the reconciliation uses. Empty strings are values INSEE left empty
// (or dates that did not parse).
type Etablissement struct {
	SIREN                string
	NIC                  string
	SIRET                string
	Active               bool   // etatAdministratifEtablissement = "A"
	State                string // "A" (actif) or "F" (fermé), as given
	Activity             string // activitePrincipaleEtablissement, e.g. "70.22Z"
	ActivityNomenclature string // e.g. "NAFRev2"
	UsualName            string // denominationUsuelleEtablissement
	Sign                 string // enseigne1Etablissement
	Created              string // dateCreationEtablissement, YYYY-MM-DD
	PostalCode           string
	Municipality         string
	PeriodStart          string // dateDebut of the current period, YYYY-MM-DD
	Line                 int    // physical line in the file
}

// SireneStats summarises a read: every data row is either kept (passed to
// fn) or rejected with a reason, the first few of which are kept.
type SireneStats struct {
	Rows     int
	Kept     int
	Rejected int
	Reasons  []string
}

// INSEE column names.
const (
	colSiren        = "siren"
	colNic          = "nic"
	colSiret        = "siret"
	colState        = "etatAdministratifEtablissement"
	colActivity     = "activitePrincipaleEtablissement"
	colNomenclature = "nomenclatureActivitePrincipaleEtablissement"
	colUsualName    = "denominationUsuelleEtablissement"
	colSign         = "enseigne1Etablissement"
	colCreated      = "dateCreationEtablissement"
	colPostalCode   = "codePostalEtablissement"
	colMunicipality = "libelleCommuneEtablissement"
	colPeriodStart  = "dateDebut"
)

// ReadSireneStock streams INSEE's StockEtablissement CSV (comma-separated,
// header row, columns found by name) and calls fn for each valid row. Rows
// with a malformed SIREN/NIC/SIRET or a broken record are counted as
// rejected, never fatal. Memory does not grow with the file (several GB in
// reality). It stops at the first error of fn or of the reader, or when the
// header lacks both siret and siren+nic.
func ReadSireneStock(r io.Reader, fn func(Etablissement) error) (SireneStats, error) {
	var st SireneStats
	sc := newRecordScanner(r, ',')
	header, err := sc.next()
	if err == io.EOF {
		return st, fmt.Errorf("fichier SIRENE vide : la ligne d'en-tête manque")
	}
	if _, local := err.(*recordError); local {
		return st, fmt.Errorf("fichier SIRENE, ligne %d : en-tête illisible (%v)", sc.start, err)
	}
	if err != nil {
		return st, fmt.Errorf("fichier SIRENE illisible : %w", err)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		if _, dup := cols[h]; !dup {
			cols[h] = i
		}
	}
	_, hasSiret := cols[colSiret]
	_, hasSiren := cols[colSiren]
	_, hasNic := cols[colNic]
	if !hasSiret && !(hasSiren && hasNic) {
		return st, fmt.Errorf("fichier SIRENE : l'en-tête n'a ni colonne siret ni colonnes siren et nic (colonnes lues : %d)", len(header))
	}
	width := len(header)
	reject := func(format string, args ...any) {
		st.Rejected++
		if len(st.Reasons) < maxReasons {
			st.Reasons = append(st.Reasons, fmt.Sprintf("ligne %d : ", sc.start)+fmt.Sprintf(format, args...))
		}
	}
	for {
		fields, err := sc.next()
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			if re, local := err.(*recordError); local {
				st.Rows++
				reject("%s", re.msg)
				continue
			}
			return st, fmt.Errorf("fichier SIRENE illisible après la ligne %d : %w", sc.line, err)
		}
		st.Rows++
		if len(fields) != width {
			reject("%d champs au lieu de %d", len(fields), width)
			continue
		}
		get := func(col string) string {
			if i, ok := cols[col]; ok {
				return strings.TrimSpace(fields[i])
			}
			return ""
		}
		e := Etablissement{
			SIREN: get(colSiren), NIC: get(colNic), SIRET: get(colSiret),
			State: get(colState), Activity: get(colActivity), ActivityNomenclature: get(colNomenclature),
			UsualName: get(colUsualName), Sign: get(colSign),
			Created: sireneDate(get(colCreated)), PostalCode: get(colPostalCode),
			Municipality: get(colMunicipality), PeriodStart: sireneDate(get(colPeriodStart)),
			Line: sc.start,
		}
		if msg := e.checkIdentifiers(); msg != "" {
			reject("%s", msg)
			continue
		}
		e.Active = e.State == "A"
		if err := fn(e); err != nil {
			return st, err
		}
		st.Kept++
	}
}

// checkIdentifiers fills SIRET from SIREN+NIC (or the reverse) and checks
// that they agree. The Luhn key is not required: INSEE's own file is the
// reference, and La Poste's SIRETs follow another rule.
func (e *Etablissement) checkIdentifiers() string {
	if e.SIRET == "" && e.SIREN != "" && e.NIC != "" {
		e.SIRET = e.SIREN + e.NIC
	}
	if len(e.SIRET) != 14 || !digitsOnly(e.SIRET) {
		return fmt.Sprintf("SIRET %q invalide (14 chiffres attendus)", e.SIRET)
	}
	if e.SIREN == "" {
		e.SIREN = e.SIRET[:9]
	}
	if e.NIC == "" {
		e.NIC = e.SIRET[9:]
	}
	if e.SIREN+e.NIC != e.SIRET {
		return fmt.Sprintf("SIRET %s différent de SIREN %s + NIC %s", e.SIRET, e.SIREN, e.NIC)
	}
	return ""
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// sireneDate keeps an INSEE date (YYYY-MM-DD) when it is a real date.
func sireneDate(s string) string {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return ""
	}
	return s
}

// ValidSIRET reports whether the establishment's SIRET passes its check
// (Luhn, or La Poste's rule).
func (e Etablissement) ValidSIRET() bool { return fr.ValidSIRET(e.SIRET) }
