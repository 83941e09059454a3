package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
	"github.com/depenses-eclairees/depenses/internal/web/auth"
)

// openAccounts opens the embedded database for account and key
// commands. They touch no job, so they run beside a serving process,
// without the data folder's lock; SQLite orders the writes.
func openAccounts(ctx context.Context, data *dataFlags) (*sqlite.Store, error) {
	if data.db != "" {
		return nil, errors.New("PostgreSQL n'est pas encore pris en charge par cette version : omettez --db pour utiliser la base embarquée")
	}
	if err := os.MkdirAll(data.dir, 0o755); err != nil {
		return nil, fmt.Errorf("dossier de données %s : %w", data.dir, err)
	}
	return sqlite.Open(ctx, filepath.Join(data.dir, "depenses.db"))
}

// perimeterFlags say what a key or an account sees.
type perimeterFlags struct {
	all                         bool
	organisations, groups, mins []string
}

func (f *perimeterFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.all, "tout", false, "voit tous les EJ")
	cmd.Flags().StringSliceVar(&f.organisations, "perimetre-oa", nil, "organisations d'achat visibles (séparées par des virgules)")
	cmd.Flags().StringSliceVar(&f.groups, "perimetre-ga", nil, "groupes acheteurs visibles")
	cmd.Flags().StringSliceVar(&f.mins, "perimetre-ministere", nil, "ministères visibles (noms, comparés sans casse ni accents)")
}

func (f *perimeterFlags) perimeter() (store.Perimeter, error) {
	p := store.Perimeter{All: f.all, OrganisationsAchat: f.organisations, GroupesAcheteurs: f.groups, Ministeres: f.mins}
	some := len(f.organisations)+len(f.groups)+len(f.mins) > 0
	switch {
	case f.all && some:
		return p, errors.New("--tout exclut les options --perimetre-…")
	case !f.all && !some:
		return p, errors.New("indiquez le périmètre : --perimetre-oa, --perimetre-ga, --perimetre-ministere, ou --tout")
	}
	return p, nil
}

func describePerimeter(p store.Perimeter) string {
	if p.All {
		return "tout"
	}
	var parts []string
	for _, l := range []struct {
		name string
		list []string
	}{{"OA", p.OrganisationsAchat}, {"GA", p.GroupesAcheteurs}, {"ministères", p.Ministeres}} {
		if len(l.list) > 0 {
			parts = append(parts, l.name+" "+strings.Join(l.list, ", "))
		}
	}
	return strings.Join(parts, " ; ")
}

func parseScopes(scopes []string) ([]string, error) {
	if !auth.ValidScopes(scopes) {
		return nil, fmt.Errorf("portées %v : read, review ou admin", scopes)
	}
	return scopes, nil
}

func apikeyCommand(data *dataFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "apikey", Short: "clés d'API des réutilisateurs : création, liste, révocation"}
	var organisation, usage, contact, expire string
	var scopes []string
	var per perimeterFlags
	create := &cobra.Command{
		Use:   "create --organisation … --usage … --contact … --scopes read[,review] (--perimetre-oa … | --tout) [--expire 2027-12-31]",
		Short: "crée une clé et l'affiche une seule fois",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(organisation) == "" || strings.TrimSpace(usage) == "" || strings.TrimSpace(contact) == "" {
				return errors.New("--organisation, --usage et --contact sont nécessaires : chaque clé appartient à un réutilisateur nommé")
			}
			sc, err := parseScopes(scopes)
			if err != nil {
				return err
			}
			p, err := per.perimeter()
			if err != nil {
				return err
			}
			var expires time.Time
			if expire != "" {
				d, err := time.ParseInLocation(time.DateOnly, expire, time.Local)
				if err != nil {
					return fmt.Errorf("--expire %q : date AAAA-MM-JJ attendue", expire)
				}
				expires = d.AddDate(0, 0, 1) // valid through that day
				if !expires.After(time.Now()) {
					return fmt.Errorf("--expire %s est passé", expire)
				}
			}
			ctx := cmd.Context()
			s, err := openAccounts(ctx, data)
			if err != nil {
				return err
			}
			defer s.Close()
			id, key, hash, err := auth.NewAPIKey()
			if err != nil {
				return err
			}
			if err := s.CreateAPIKey(ctx, store.APIKey{ID: id, Hash: hash, Organisation: organisation, UseCase: usage, Contact: contact,
				Scopes: sc, Perimeter: p, CreatedAt: time.Now(), ExpiresAt: expires}); err != nil {
				return err
			}
			s.Audit(ctx, store.AuditEntry{Actor: "cli:" + os.Getenv("USER"), Action: "creation_cle", Subject: "key:" + id,
				Detail: fmt.Sprintf(`{"organisation":%q,"portees":%q}`, organisation, strings.Join(sc, ","))})
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Clé %s créée pour %s (%s ; périmètre : %s).\n", id, organisation, strings.Join(sc, ", "), describePerimeter(p))
			fmt.Fprintln(out, "Voici la clé ; elle ne sera plus jamais affichée, transmettez-la au réutilisateur par un canal sûr :")
			fmt.Fprintln(out, key)
			return nil
		},
	}
	create.Flags().StringVar(&organisation, "organisation", "", "organisation du réutilisateur")
	create.Flags().StringVar(&usage, "usage", "", "cas d'usage de la réutilisation")
	create.Flags().StringVar(&contact, "contact", "", "adresse de contact")
	create.Flags().StringSliceVar(&scopes, "scopes", []string{store.ScopeRead}, "portées : read, review, admin")
	create.Flags().StringVar(&expire, "expire", "", "dernier jour de validité AAAA-MM-JJ (par défaut, sans expiration)")
	per.register(create)

	list := &cobra.Command{
		Use:   "list",
		Short: "liste les clés, leurs réutilisateurs et leur dernière utilisation",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, err := openAccounts(ctx, data)
			if err != nil {
				return err
			}
			defer s.Close()
			keys, err := s.APIKeys(ctx)
			if err != nil {
				return err
			}
			if len(keys) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "Aucune clé (depenses apikey create pour en créer une).")
				return nil
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tORGANISATION\tUSAGE\tCONTACT\tPORTÉES\tPÉRIMÈTRE\tCRÉÉE\tÉTAT\tDERNIER APPEL")
			day := func(t time.Time) string {
				if t.IsZero() {
					return "-"
				}
				return t.Local().Format(time.DateOnly)
			}
			now := time.Now()
			for _, k := range keys {
				state := "active"
				switch {
				case !k.RevokedAt.IsZero():
					state = "révoquée le " + day(k.RevokedAt)
				case !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt):
					state = "expirée"
				case !k.ExpiresAt.IsZero():
					state = "jusqu'au " + day(k.ExpiresAt.Add(-time.Second))
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Organisation, k.UseCase, k.Contact,
					strings.Join(k.Scopes, ","), describePerimeter(k.Perimeter), day(k.CreatedAt), state, day(k.LastUsedAt))
			}
			return tw.Flush()
		},
	}

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "révoque une clé : ses appels sont refusés aussitôt",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := openAccounts(ctx, data)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.RevokeAPIKey(ctx, args[0], time.Now()); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("aucune clé %s (depenses apikey list)", args[0])
				}
				return err
			}
			s.Audit(ctx, store.AuditEntry{Actor: "cli:" + os.Getenv("USER"), Action: "revocation_cle", Subject: "key:" + args[0]})
			fmt.Fprintf(cmd.OutOrStdout(), "Clé %s révoquée.\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}
