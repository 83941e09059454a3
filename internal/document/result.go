package document

// Result is one line of `depenses extract`: the public envelope of
// CONTRACT.md §3. Fields absent from a document are absent here too.
type Result struct {
	File         string           `json:"file"`
	SHA256       string           `json:"sha256,omitempty"`
	MediaType    string           `json:"media_type,omitempty"`
	Size         int64            `json:"size"`
	Pages        int              `json:"pages"`
	TextSource   TextSource       `json:"text_source"`
	DocumentType *TypeGuess       `json:"document_type"`
	Fields       map[string]Field `json:"fields"`
	Lines        []LineItem       `json:"lines"`
	Warnings     []string         `json:"warnings"`
	Error        *string          `json:"error"`
	ErrorCode    string           `json:"error_code,omitempty"`
	ElapsedMS    int64            `json:"elapsed_ms"`
	// Children are the documents found inside an archive, an e-mail or a
	// PDF's attachments, each a full result of its own.
	Children []Result `json:"children,omitempty"`
}

// TypeGuess is a document type with its confidence.
type TypeGuess struct {
	Value      string  `json:"value"`
	Confidence float64 `json:"confidence"`
}

// NewResult builds the envelope of a read document. Structured data
// embedded in the file, when used, fills the type and the fields.
func NewResult(doc *Document) Result {
	res := Result{
		File:       doc.Name,
		SHA256:     doc.SHA256,
		MediaType:  doc.MediaType,
		Size:       doc.Size,
		Pages:      len(doc.Pages),
		TextSource: doc.Source(),
		Fields:     map[string]Field{},
		Lines:      []LineItem{},
		Warnings:   append([]string{}, doc.Warnings...),
	}
	if doc.Embedded != nil {
		res.TextSource = SourceEmbeddedXML
		if doc.Embedded.DocumentType != "" {
			res.DocumentType = &TypeGuess{Value: doc.Embedded.DocumentType, Confidence: 0.99}
		}
		for k, v := range doc.Embedded.Fields {
			res.Fields[k] = v
		}
		if doc.Embedded.Lines != nil {
			res.Lines = doc.Embedded.Lines
		}
	}
	if doc.Err != nil {
		msg := doc.Err.Error()
		res.Error = &msg
		res.ErrorCode = ErrorCode(doc.Err)
	}
	for _, c := range doc.Children {
		res.Children = append(res.Children, NewResult(c))
	}
	return res
}
