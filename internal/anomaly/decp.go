package anomaly

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/fr"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
)

// Bounds of a DECP file: the 2019 AIFE file is 4 MB and 4 530 marchés;
// a full year of all buyers is a few hundred MB.
const (
	maxDECPBytes   = 512 << 20
	maxDECPMarches = 2_000_000
	maxDECPElement = 1 << 20 // one marché
)

// DECPSkip is a marché of the file that gave no record, and why.
type DECPSkip struct {
	Index int    // 0-based position in "marches"
	ID    string // the marché's id, when it has one
	Motif string // in French
}

// DECPResult is what ReadDECP found: one record per usable marché, in file
// order, and the marchés it left out.
type DECPResult struct {
	Records []Record
	Skipped []DECPSkip
}

// LoadDECP reads a DECP file (données essentielles de la commande
// publique, JSON, {"marches": [...]} or the older {"marches": {"marche":
// [...]}}) as records: one EJ per marché, with the buyer's SIRET, the first
// holder as supplier, the CPV, the amount HT and the notification date.
// Concessions and marchés without a buyer are left out (ReadDECP says
// which); a file that is not DECP JSON is an error.
func LoadDECP(r io.Reader) ([]Record, error) {
	res, err := ReadDECP(r)
	return res.Records, err
}

// ReadDECP is LoadDECP with the list of marchés left out.
func ReadDECP(r io.Reader) (DECPResult, error) {
	var res DECPResult
	lr := &io.LimitedReader{R: r, N: maxDECPBytes + 1}
	dec := json.NewDecoder(lr)
	dec.UseNumber()
	tooBig := func(err error) error {
		if lr.N <= 0 {
			return fmt.Errorf("fichier DECP de plus de %d Mo : découpez-le", maxDECPBytes>>20)
		}
		return err
	}
	if err := expectDelim(dec, '{'); err != nil {
		return res, tooBig(fmt.Errorf("fichier DECP illisible : un objet JSON {\"marches\": [...]} est attendu (%v)", err))
	}
	found := false
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return res, tooBig(err)
		}
		if key != "marches" || found {
			if err := skipValue(dec); err != nil {
				return res, tooBig(err)
			}
			continue
		}
		found = true
		if err := readMarches(dec, &res); err != nil {
			return res, tooBig(err)
		}
	}
	if !found {
		return res, errors.New("fichier DECP sans clé « marches »")
	}
	if _, err := dec.Token(); err != nil {
		return res, tooBig(fmt.Errorf("fichier DECP tronqué : %v", err))
	}
	return res, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("%q attendu, %v trouvé", string(want), tok)
	}
	return nil
}

func objectKey(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", fmt.Errorf("fichier DECP illisible : %v", err)
	}
	key, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("fichier DECP illisible : clé attendue, %v trouvé", tok)
	}
	return key, nil
}

// skipValue reads one value without keeping it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("fichier DECP illisible : %v", err)
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// readMarches reads the array of marchés, or the {"marche": [...]} object
// that holds it in the older format.
func readMarches(dec *json.Decoder, res *DECPResult) error {
	seen := map[string]int{}
	for i, r := range res.Records {
		seen[decpKey(r)] = i
	}
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("fichier DECP illisible : %v", err)
	}
	switch tok {
	case json.Delim('['):
	case json.Delim('{'):
		for dec.More() {
			key, err := objectKey(dec)
			if err != nil {
				return err
			}
			if key != "marche" {
				if err := skipValue(dec); err != nil {
					return err
				}
				continue
			}
			if err := readMarches(dec, res); err != nil {
				return err
			}
		}
		_, err := dec.Token() // closing }
		if err != nil {
			return fmt.Errorf("fichier DECP tronqué : %v", err)
		}
		return nil
	default:
		return fmt.Errorf("fichier DECP illisible : « marches » doit être une liste, %v trouvé", tok)
	}
	index := len(res.Records) + len(res.Skipped)
	for dec.More() {
		if index >= maxDECPMarches {
			return fmt.Errorf("fichier DECP de plus de %d marchés : découpez-le", maxDECPMarches)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("fichier DECP illisible au marché n° %d : %v", index+1, err)
		}
		if len(raw) > maxDECPElement {
			res.Skipped = append(res.Skipped, DECPSkip{Index: index, Motif: fmt.Sprintf("marché de plus de %d Ko", maxDECPElement>>10)})
		} else if rec, skip := decpRecord(raw, index); skip != nil {
			res.Skipped = append(res.Skipped, *skip)
		} else if first, dup := seen[decpKey(rec)]; dup && rec.Marche.ID != "" {
			// The same marché published again: keep one, with its date.
			if res.Records[first].EJ.DateNotification == "" {
				res.Records[first].EJ.DateNotification = rec.EJ.DateNotification
				res.Records[first].EJ.Exercice = rec.EJ.Exercice
			}
			res.Skipped = append(res.Skipped, DECPSkip{Index: index, ID: rec.Marche.ID, Motif: "publication en double du marché " + rec.Marche.ID})
		} else {
			seen[decpKey(rec)] = len(res.Records)
			res.Records = append(res.Records, rec)
		}
		index++
	}
	_, err = dec.Token() // closing ]
	if err != nil {
		return fmt.Errorf("fichier DECP tronqué : %v", err)
	}
	return nil
}

// decpKey identifies a marché: its id for its buyer, holder and amount.
func decpKey(r Record) string {
	amount := ""
	if v := r.EJ.Postes[0].MontantEngageHT; v != nil {
		amount = strconv.FormatFloat(*v, 'f', 2, 64)
	}
	return r.Marche.ID + "|" + r.EJ.SIRETAcheteur + "|" + r.EJ.Fournisseur.SIRET + "|" + amount
}

// decpMarche holds the fields read; values whose JSON type varies between
// publishers stay raw.
type decpMarche struct {
	ID               json.RawMessage   `json:"id"`
	Type             string            `json:"_type"`
	Nature           string            `json:"nature"`
	Objet            string            `json:"objet"`
	CodeCPV          json.RawMessage   `json:"codeCPV"`
	Procedure        string            `json:"procedure"`
	Montant          json.RawMessage   `json:"montant"`
	DateNotification string            `json:"dateNotification"`
	IDAccordCadre    string            `json:"idAccordCadre"`
	Techniques       json.RawMessage   `json:"techniques"`
	Acheteur         *decpParty        `json:"acheteur"`
	Titulaires       []json.RawMessage `json:"titulaires"`
}

type decpParty struct {
	ID                  json.RawMessage `json:"id"`
	Nom                 string          `json:"nom"`
	TypeIdentifiant     string          `json:"typeIdentifiant"`
	DenominationSociale string          `json:"denominationSociale"`
}

func decpRecord(raw json.RawMessage, index int) (Record, *DECPSkip) {
	var m decpMarche
	if err := json.Unmarshal(raw, &m); err != nil {
		return Record{}, &DECPSkip{Index: index, Motif: "marché illisible : " + err.Error()}
	}
	id := rawText(m.ID)
	skip := func(motif string) (Record, *DECPSkip) { return Record{}, &DECPSkip{Index: index, ID: id, Motif: motif} }
	if m.Type != "" && !strings.EqualFold(m.Type, "Marché") {
		return skip("pas un marché : " + m.Type)
	}
	if strings.Contains(strings.ToLower(m.Nature), "concession") || strings.Contains(strings.ToLower(m.Nature), "délégation") {
		return skip("concession : " + m.Nature)
	}
	if m.Acheteur == nil || rawText(m.Acheteur.ID) == "" {
		return skip("acheteur absent")
	}
	num := id
	if num == "" {
		num = "decp-" + strconv.Itoa(index+1)
	}
	e := chorus.EJ{NumEJ: num, TypeEJ: m.Nature, NumContrat: num, SIRETAcheteur: fr.NormalizeDigits(rawText(m.Acheteur.ID)), Designation: m.Objet}
	if d, ok := decpDate(m.DateNotification); ok {
		e.DateNotification = d
		e.Exercice, _ = strconv.Atoi(d[:4])
	}
	// Orders under an accord-cadre, and accords-cadres themselves, are
	// left out of fractionnement as in Chorus.
	if m.IDAccordCadre != "" || strings.Contains(strings.ToLower(m.Nature), "accord-cadre") ||
		strings.Contains(strings.ToLower(m.Nature), "subséquent") || bytes.Contains(bytes.ToLower(m.Techniques), []byte("accord-cadre")) {
		e.NumAccordCadre = labelOr(m.IDAccordCadre, num)
	}
	for _, t := range m.Titulaires {
		p, ok := decpHolder(t)
		if !ok {
			continue
		}
		e.Fournisseur.Nom = p.DenominationSociale
		if strings.EqualFold(p.TypeIdentifiant, "SIRET") {
			e.Fournisseur.SIRET = fr.NormalizeDigits(rawText(p.ID))
			if len(e.Fournisseur.SIRET) == 14 {
				e.Fournisseur.SIREN = e.Fournisseur.SIRET[:9]
			}
		}
		break
	}
	po := chorus.Poste{Poste: "1", Designation: m.Objet}
	if cpv, ok := decpCPV(rawText(m.CodeCPV)); ok {
		po.CodeCPV = cpv
	}
	if v, ok := rawNumber(m.Montant); ok && v >= 0 && v < 1e13 {
		po.MontantEngageHT = &v
	}
	e.Postes = []chorus.Poste{po}
	en := reconcile.Enriched{NumEJ: num, Designation: reconcile.Designation{Value: m.Objet}}
	if fr.ValidSIRET(e.Fournisseur.SIRET) {
		en.Prestataire = reconcile.Prestataire{Nom: e.Fournisseur.Nom, SIREN: e.Fournisseur.SIREN, SIRET: e.Fournisseur.SIRET, Identifie: true}
	}
	return Record{EJ: e, Enriched: en, Marche: &Marche{ID: id, Nature: m.Nature, Procedure: m.Procedure}}, nil
}

// decpHolder reads a holder in the v1 shape {typeIdentifiant, id, …} or
// the v2 shape {"titulaire": {…}}.
func decpHolder(raw json.RawMessage) (decpParty, bool) {
	var wrapped struct {
		Titulaire *decpParty `json:"titulaire"`
	}
	if json.Unmarshal(raw, &wrapped) == nil && wrapped.Titulaire != nil {
		return *wrapped.Titulaire, true
	}
	var p decpParty
	if json.Unmarshal(raw, &p) != nil {
		return decpParty{}, false
	}
	return p, rawText(p.ID) != "" || p.DenominationSociale != ""
}

// rawText gives a JSON string or number as text, "" otherwise.
func rawText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func rawNumber(raw json.RawMessage) (float64, bool) {
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		v, err := n.Float64()
		return v, err == nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if v, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return v, true
		}
		return fr.ParseAmount(s)
	}
	return 0, false
}

// decpCPV restores the leading zero some publishers dropped ("9132100").
func decpCPV(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '-'); i >= 0 {
		s = s[:i]
	}
	if len(s) == 7 {
		s = "0" + s
	}
	n, ok := fr.NormalizeCPV(s)
	if !ok {
		return "", false
	}
	return n[:8], true
}

// decpDate keeps the day of "2019-03-12", "2019-03-12+01:00" or a timestamp.
func decpDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 10 {
		return "", false
	}
	if _, err := time.Parse(time.DateOnly, s[:10]); err != nil {
		return "", false
	}
	return s[:10], true
}

// DetectDECP runs on DECP marchés the rules that apply to them:
// fractionnement, with the buyer taken as buyer SIRET × holder and the
// need as the CPV group (its first three digits), and identifiant_invalide
// on the holder's and the buyer's SIRET. hors_marche does not apply: every
// record is a marché.
func DetectDECP(recs []Record, ref *referential.Set, opt Options) []Anomaly {
	r := newRun(recs, ref, opt)
	r.decp = true
	return r.apply(r.fractionnement, r.identifiantDECP)
}

// identifiantDECP flags a published SIRET whose Luhn key fails.
func (r *run) identifiantDECP() []Anomaly {
	var out []Anomaly
	for i := range r.recs {
		rec := &r.recs[i]
		on, ok := recDate(rec)
		if !ok {
			on = r.latest
		}
		score, ok := r.num("identifiant_invalide.score_siret", on)
		if !ok {
			continue
		}
		num := rec.EJ.NumEJ
		var proofs []Evidence
		var names []string
		for _, c := range []struct{ champ, v string }{{"titulaire.siret", rec.EJ.Fournisseur.SIRET}, {"acheteur.siret", rec.EJ.SIRETAcheteur}} {
			// All zeros is a placeholder for "unknown", not a printed SIRET.
			if c.v != "" && strings.Trim(c.v, "0") != "" && !fr.ValidSIRET(c.v) {
				proofs = append(proofs, Evidence{NumEJ: num, Document: "decp", Champ: c.champ, Valeur: c.v})
				names = append(names, c.champ+" "+c.v)
			}
		}
		if len(proofs) == 0 {
			continue
		}
		out = append(out, Anomaly{Code: CodeIdentifiant, NumEJ: num, Score: score,
			Explication: "SIRET publié dont la clé de Luhn est fausse : " + strings.Join(names, " ; ") + ". Vérifier l'identifiant auprès de l'acheteur ou dans SIRENE.",
			Preuves:     proofs, Regle: "clé de Luhn (SIRET)"})
	}
	return out
}
