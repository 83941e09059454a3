package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/web/auth"
)

// readPassword asks twice on a terminal, else reads the first line of stdin.
func readPassword(in io.Reader, errOut io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(errOut, "Mot de passe : ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(errOut)
		if err != nil {
			return "", err
		}
		fmt.Fprint(errOut, "Confirmation : ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(errOut)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("les deux saisies diffèrent")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(in, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func userCommand(data *dataFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "comptes des agents pour l'interface web"}
	var name string
	var scopes []string
	var per perimeterFlags
	create := &cobra.Command{
		Use:   "create IDENTIFIANT --nom … --scopes read[,review,admin] (--perimetre-… | --tout)",
		Short: "crée un compte ; le mot de passe est lu sur l'entrée standard ou demandé",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			login := strings.TrimSpace(args[0])
			if login == "" || len(login) > 100 || strings.ContainsAny(login, " :\t\n") {
				return fmt.Errorf("identifiant %q invalide : sans espace ni deux-points, 100 caractères au plus", args[0])
			}
			if strings.TrimSpace(name) == "" {
				return errors.New("--nom est nécessaire")
			}
			sc, err := parseScopes(scopes)
			if err != nil {
				return err
			}
			p, err := per.perimeter()
			if err != nil {
				return err
			}
			pw, err := readPassword(cmd.InOrStdin(), cmd.ErrOrStderr())
			if err != nil {
				return fmt.Errorf("lecture du mot de passe : %w", err)
			}
			hash, err := auth.HashPassword(pw, auth.DefaultPasswordParams)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			s, err := openAccounts(ctx, data)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.CreateUser(ctx, store.User{Login: login, Name: name, PasswordHash: hash, Scopes: sc, Perimeter: p, CreatedAt: time.Now()}); err != nil {
				return err
			}
			s.Audit(ctx, store.AuditEntry{Actor: "cli:" + os.Getenv("USER"), Action: "creation_compte", Subject: "user:" + login,
				Detail: fmt.Sprintf(`{"portees":%q}`, strings.Join(sc, ","))})
			fmt.Fprintf(cmd.OutOrStdout(), "Compte %s créé (%s ; %s ; périmètre : %s).\n", login, name, strings.Join(sc, ", "), describePerimeter(p))
			return nil
		},
	}
	create.Flags().StringVar(&name, "nom", "", "nom de l'agent")
	create.Flags().StringSliceVar(&scopes, "scopes", []string{store.ScopeRead}, "portées : read, review, admin")
	per.register(create)
	cmd.AddCommand(create)
	return cmd
}
