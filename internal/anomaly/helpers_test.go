package anomaly

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/fr"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
)

// Hand-built records go through the real reconcile, so that the rules see
// what they see in production.

const (
	gmConseil     = "33.01.01"
	gmConseilLib  = "Conseil en stratégie et organisation"
	gmMobilier    = "40.01.02"
	gmMobilierLib = "Mobilier de bureau"
	gmEvent       = "37.02.01"
	gmEventLib    = "Événementiel, séminaires et réceptions"
	cpvConseil    = "79411000-8"
	cpvMobilier   = "39130000-2"
	cpvEvent      = "79952000-2"
	ugapSIREN     = "776056467"
)

// luhnSIRET completes a SIREN and a 4-digit NIC prefix with a Luhn digit.
func luhnSIRET(siren, nic string) string {
	base := siren + nic
	for d := '0'; d <= '9'; d++ {
		if fr.ValidSIRET(base + string(d)) {
			return base + string(d)
		}
	}
	panic("no Luhn digit for " + base)
}

// luhnSIREN completes 8 digits with a Luhn digit.
func luhnSIREN(prefix string) string {
	for d := '0'; d <= '9'; d++ {
		if fr.ValidSIREN(prefix + string(d)) {
			return prefix + string(d)
		}
	}
	panic("no Luhn digit for " + prefix)
}

var (
	sirenA = luhnSIREN("73282932")
	sirenB = luhnSIREN("44088962")
	siretA = luhnSIRET(sirenA, "0007")
	siretB = luhnSIRET(sirenB, "0004")
	buyer  = luhnSIRET(luhnSIREN("13002220"), "0001")
)

// ejSpec describes an EJ with one poste; zero fields take defaults.
type ejSpec struct {
	num, date         string
	ht, ttc           float64 // 0: absent
	rate              float64
	gm, gmLib, cpv    string
	cf, df            string
	oa, ga, siretAch  string
	contrat, ac       string
	supplier, nom     string
	ministere, typeEJ string
	postes            []chorus.Poste // replaces the single poste
}

func mkEJ(s ejSpec) chorus.EJ {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&s.cf, "0218-SGAE-DAE1")
	def(&s.df, "0218-01-01")
	def(&s.oa, "MEF1")
	def(&s.ga, "F02")
	def(&s.siretAch, buyer)
	def(&s.gm, gmMobilier)
	if s.gmLib == "" && s.gm == gmMobilier {
		s.gmLib = gmMobilierLib
	}
	def(&s.cpv, cpvMobilier)
	def(&s.supplier, siretA)
	def(&s.nom, "Atelier Dupont SARL")
	e := chorus.EJ{NumEJ: s.num, DateCreation: s.date, TypeEJ: s.typeEJ, Ministere: s.ministere,
		Fournisseur: chorus.Supplier{Nom: s.nom, SIRET: s.supplier},
		NumContrat:  s.contrat, NumAccordCadre: s.ac,
		OrganisationAchat: s.oa, GroupeAcheteurs: s.ga, SIRETAcheteur: s.siretAch}
	if s.supplier != "" && len(s.supplier) == 14 {
		e.Fournisseur.SIREN = s.supplier[:9]
	}
	if s.postes != nil {
		e.Postes = s.postes
		return e
	}
	p := chorus.Poste{Poste: "10", CentreFinancier: s.cf, DomaineFonctionnel: s.df, Programme: s.cf[:4],
		GroupeMarchandises: s.gm, GMLibelle: s.gmLib, CodeCPV: s.cpv}
	if s.ht != 0 {
		p.MontantEngageHT = ptr(s.ht)
	}
	if s.ttc != 0 {
		p.MontantEngageTTC = ptr(s.ttc)
	}
	if s.rate != 0 {
		p.TauxTVA = ptr(s.rate)
	}
	e.Postes = []chorus.Poste{p}
	return e
}

func ptr(v float64) *float64 { return &v }

// mkDoc builds an analysed document of that type; identifiers carry their
// checksum verdict as extraction sets it. The SHA-256 is the content's.
func mkDoc(typ string, fields map[string]any) reconcile.Doc {
	res := document.Result{DocumentType: &document.TypeGuess{Value: typ, Confidence: 0.95}, Fields: map[string]document.Field{}, Pages: 1}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var canon strings.Builder
	canon.WriteString(typ)
	for _, k := range keys {
		v := fields[k]
		f := document.Field{Value: v, Confidence: 0.95, Page: 1, Evidence: fmt.Sprintf("%s : %v", k, v)}
		s := fmt.Sprint(v)
		var ok *bool
		switch {
		case strings.HasSuffix(k, ".siret"):
			b := fr.ValidSIRET(s)
			ok = &b
		case strings.HasSuffix(k, ".siren"):
			b := fr.ValidSIREN(s)
			ok = &b
		case strings.HasSuffix(k, ".tva"):
			b := fr.ValidVAT(s)
			ok = &b
		case k == "iban":
			b := fr.ValidIBAN(s)
			ok = &b
		}
		f.Valid = ok
		res.Fields[k] = f
		fmt.Fprintf(&canon, "|%s=%v", k, v)
	}
	sum := sha256.Sum256([]byte(canon.String()))
	sha := hex.EncodeToString(sum[:])
	res.SHA256 = sha
	return reconcile.Doc{SHA256: sha, Name: typ + "_" + sha[:6] + ".pdf", Result: res}
}

func mkRec(e chorus.EJ, docs ...reconcile.Doc) Record {
	return Record{EJ: e, Enriched: reconcile.Reconcile(reconcile.Input{EJ: e, Documents: docs}, referential.Default())}
}

// detectCode runs Detect and keeps one rule's findings.
func detectCode(t *testing.T, code string, opt Options, recs ...Record) []Anomaly {
	t.Helper()
	var out []Anomaly
	for _, a := range Detect(recs, referential.Default(), opt) {
		if a.Code == code {
			if a.Explication == "" || a.Severite == "" || len(a.Preuves) == 0 || a.Regle == "" {
				t.Errorf("%s on %s incomplete: %+v", code, a.NumEJ, a)
			}
			out = append(out, a)
		}
	}
	return out
}
