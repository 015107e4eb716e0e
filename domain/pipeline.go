package domain

// StageMove counts the moves from one stage to another.
type StageMove struct {
	From  Stage `json:"from"`
	To    Stage `json:"to"`
	Count int   `json:"count"`
}

// MoveCounts sums a period's pipeline moves as the pipeline report reads
// them, so that a week of a million moves (after an import) is counted
// where it is stored instead of read.
type MoveCounts struct {
	// Pairs counts the moves per pair of stages, in the order each pair
	// first occurred.
	Pairs []StageMove
	// Left counts, per stage, the contacts that moved out of it; Forward
	// those that moved from it to the next stage (Stage.Next). A contact
	// counts once per stage however often it moved.
	Left, Forward map[Stage]int
}

// CountMoves sums moves, oldest first: what a store computes in its
// query, for moves already in memory.
func CountMoves(moves []Move) MoveCounts {
	mc := MoveCounts{Left: map[Stage]int{}, Forward: map[Stage]int{}}
	type pair struct{ from, to Stage }
	type key struct {
		from Stage
		id   int64
	}
	at := map[pair]int{}
	left, forward := map[key]bool{}, map[key]bool{}
	for _, m := range moves {
		p := pair{m.From, m.To}
		i, ok := at[p]
		if !ok {
			i = len(mc.Pairs)
			at[p] = i
			mc.Pairs = append(mc.Pairs, StageMove{From: m.From, To: m.To})
		}
		mc.Pairs[i].Count++
		k := key{m.From, m.ContactID}
		if !left[k] {
			left[k] = true
			mc.Left[m.From]++
		}
		if m.To == m.From.Next() && !forward[k] {
			forward[k] = true
			mc.Forward[m.From]++
		}
	}
	return mc
}
