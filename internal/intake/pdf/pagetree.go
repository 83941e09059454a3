package pdf

import (
	"bytes"
	"regexp"
	"strconv"
)

// pdfium survives a page tree whose /Kids lead back to an ancestor, but
// then trusts /Count and serves the same page several times. Such a file
// is corrupt: findKidsLoop looks for the loop in the page-tree nodes
// written as plain objects (nodes inside compressed object streams are not
// seen; pdfium's own depth limit still keeps those from hanging).

var (
	objHeader = regexp.MustCompile(`(\d+)\s+\d+\s+obj\b`)
	kidRef    = regexp.MustCompile(`(\d+)\s+\d+\s+R\b`)
)

// kidsWindow bounds the bytes looked at around one /Kids key.
const kidsWindow = 256 << 10

func findKidsLoop(data []byte) bool {
	kids := map[int][]int{}
	rest := data
	// The scan reads at most a few times the file, whatever it holds.
	for budget := 4*len(data) + kidsWindow; budget > 0; {
		i := bytes.Index(rest, []byte("/Kids"))
		if i < 0 {
			break
		}
		budget -= i + 4096
		// The object holding this /Kids: the last "N G obj" before it.
		head := rest[:i]
		start := max(0, len(head)-4096)
		locs := objHeader.FindAllSubmatchIndex(head[start:], -1)
		rest = rest[i+len("/Kids"):]
		if len(locs) == 0 {
			continue
		}
		l := locs[len(locs)-1]
		obj, err := strconv.Atoi(string(head[start+l[2] : start+l[3]]))
		if err != nil {
			continue
		}
		window := rest[:min(len(rest), kidsWindow)]
		open := bytes.IndexByte(window, '[')
		end := bytes.IndexByte(window, ']')
		if open < 0 || end < open {
			budget -= len(window)
			continue
		}
		budget -= end
		if len(bytes.TrimSpace(window[:open])) > 0 {
			continue // /Kids is an indirect reference: not followed
		}
		var refs []int
		for _, m := range kidRef.FindAllSubmatch(window[open:end], -1) {
			if n, err := strconv.Atoi(string(m[1])); err == nil {
				refs = append(refs, n)
			}
		}
		kids[obj] = refs
	}
	// Depth-first search for a back edge, without recursion.
	const (
		unseen = iota
		onPath
		done
	)
	state := map[int]int{}
	type frame struct{ node, next int }
	for root := range kids {
		if state[root] != unseen {
			continue
		}
		stack := []frame{{root, 0}}
		state[root] = onPath
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			children := kids[top.node]
			if top.next >= len(children) {
				state[top.node] = done
				stack = stack[:len(stack)-1]
				continue
			}
			child := children[top.next]
			top.next++
			switch state[child] {
			case onPath:
				return true
			case unseen:
				if _, isNode := kids[child]; isNode {
					state[child] = onPath
					stack = append(stack, frame{child, 0})
				}
			}
		}
	}
	return false
}
