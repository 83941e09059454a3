package synth

// docModel is what a document says, independent of where it is drawn: the
// type builders fill it, the layout family places it.
type docModel struct {
	title     string
	subtitle  string
	issuer    party
	recipient *party
	meta      []kv
	body      []block
	legal     []string // legal mentions: footer or issuer block, per family
	running   string   // short header repeated on pages after the first
}

type party struct {
	heading string   // "Client", "Destinataire", … ("" for the issuer)
	lines   []string // the first line is the name
	ids     []string // "SIRET : …" lines
	logo    string   // initials drawn in the vector logo ("" = no logo)
	state   bool     // a State service: draw the République française block
}

type kv struct{ label, value string }

type block any

type paraBlock struct {
	text string
	st   style
	gray bool
}

type headingBlock struct {
	text  string
	level int // 1 = article, 2 = sub-heading
}

type kvBlock struct{ rows []kv }

type column struct {
	title  string
	weight float64
	right  bool
}

type tableBlock struct {
	cols []column
	rows [][]string
	foot [][]string // rows drawn after the body in bold (e.g. "Total jours")
}

type totalsBlock struct {
	rows   []kv
	strong int // index of the row drawn in bold, -1 for none
}

type bulletBlock struct{ items []string }

type checkBlock struct {
	label   string
	options []string
	checked int
}

type signatureBlock struct{ left, right []string }

type spaceBlock float64
