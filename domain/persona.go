package domain

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Persona clustering: customers are points (one-hot criteria and scaled
// measures, see PersonaFeatures), grouped by k-means with k-means++ seeds;
// the number of personas, 3 to 5, is the one with the best silhouette.
// Everything is deterministic: the same points and seed give the same
// personas, in the same order (by size, the largest first).

// PersonaEncoder turns customers' criteria into points: each categorical
// criterion (sector, size band, role, age band, city, source, channel…)
// one-hot over the values it took in the customers it was fitted on, each
// numeric one (recency, orders, spend…) scaled to 0–1 over their range.
// Fitted on a sample, it encodes every customer alike.
type PersonaEncoder struct {
	Dims  []PersonaDim `json:"dims"`
	Lo    []float64    `json:"lo"` // the measures' ranges
	Hi    []float64    `json:"hi"`
	index map[PersonaDim]int
}

// PersonaDim is a categorical criterion's value: Criterion is its index.
type PersonaDim struct {
	Criterion int    `json:"c"`
	Value     string `json:"v"`
}

// FitPersonaEncoder fits an encoder on customers: cats[i][j] is customer
// i's value of categorical criterion j ("" for none), nums[i][j] its value
// of numeric criterion j.
func FitPersonaEncoder(cats [][]string, nums [][]float64) *PersonaEncoder {
	e := &PersonaEncoder{index: map[PersonaDim]int{}}
	seen := map[PersonaDim]bool{}
	for _, row := range cats {
		for j, v := range row {
			if d := (PersonaDim{j, v}); v != "" && !seen[d] {
				seen[d] = true
				e.Dims = append(e.Dims, d)
			}
		}
	}
	// A fixed order, whatever the order customers came in.
	slices.SortFunc(e.Dims, func(a, b PersonaDim) int {
		if a.Criterion != b.Criterion {
			return a.Criterion - b.Criterion
		}
		return strings.Compare(a.Value, b.Value)
	})
	e.Reindex()
	if len(nums) > 0 {
		width := len(nums[0])
		e.Lo, e.Hi = make([]float64, width), make([]float64, width)
		for j := range width {
			e.Lo[j], e.Hi[j] = math.Inf(1), math.Inf(-1)
			for _, row := range nums {
				e.Lo[j], e.Hi[j] = math.Min(e.Lo[j], row[j]), math.Max(e.Hi[j], row[j])
			}
		}
	}
	return e
}

// Reindex prepares an encoder read back (from JSON) to encode.
func (e *PersonaEncoder) Reindex() {
	e.index = make(map[PersonaDim]int, len(e.Dims))
	for i, d := range e.Dims {
		e.index[d] = i
	}
}

// Encode returns the point of one customer; a value the encoder never saw
// sets no dimension, a measure out of its range is clamped to it.
func (e *PersonaEncoder) Encode(cat []string, num []float64) []float64 {
	p := make([]float64, len(e.Dims)+len(e.Lo))
	for j, v := range cat {
		if i, ok := e.index[PersonaDim{j, v}]; ok {
			p[i] = 1
		}
	}
	for j, v := range num {
		if j < len(e.Lo) && e.Hi[j] > e.Lo[j] {
			p[len(e.Dims)+j] = math.Min(1, math.Max(0, (v-e.Lo[j])/(e.Hi[j]-e.Lo[j])))
		}
	}
	return p
}

// PersonaFeatures fits an encoder on customers and encodes them: their
// points, and the name of each dimension (criterion=value, or #j for
// numeric criterion j).
func PersonaFeatures(cats [][]string, nums [][]float64) ([][]float64, []string) {
	if len(cats) == 0 && len(nums) == 0 {
		return nil, nil
	}
	e := FitPersonaEncoder(cats, nums)
	points := make([][]float64, max(len(cats), len(nums)))
	for i := range points {
		var cat []string
		var num []float64
		if i < len(cats) {
			cat = cats[i]
		}
		if i < len(nums) {
			num = nums[i]
		}
		points[i] = e.Encode(cat, num)
	}
	names := make([]string, 0, len(e.Dims)+len(e.Lo))
	for _, d := range e.Dims {
		names = append(names, strconv.Itoa(d.Criterion)+"="+d.Value)
	}
	for j := range e.Lo {
		names = append(names, "#"+strconv.Itoa(j))
	}
	return points, names
}

// Clustering is points grouped into personas: Of[i] is point i's persona,
// Centers the personas' centres, Silhouette the grouping's quality (-1 to
// 1, higher is better).
type Clustering struct {
	K          int
	Of         []int
	Centers    [][]float64
	Sizes      []int
	Silhouette float64
}

// ClusterPersonas groups points into kMin to kMax personas and keeps the
// number whose silhouette is best (k fixed when kMin == kMax). seed makes
// it deterministic. Personas are numbered by size, the largest 0.
func ClusterPersonas(points [][]float64, kMin, kMax int, seed uint64) Clustering {
	best := Clustering{Silhouette: math.Inf(-1)}
	for k := kMin; k <= kMax && k <= len(points); k++ {
		c := kmeans(points, k, seed)
		c.Silhouette = silhouette(points, c)
		if c.Silhouette > best.Silhouette+1e-9 {
			best = c
		}
	}
	if best.K == 0 {
		return Clustering{}
	}
	return bySize(best)
}

// kmeans runs Lloyd's iterations from k-means++ seeds, the best of a few
// seedings by inertia.
func kmeans(points [][]float64, k int, seed uint64) Clustering {
	var best Clustering
	bestInertia := math.Inf(1)
	for try := range 4 {
		r := rand.New(rand.NewPCG(seed, uint64(k*16+try)))
		centers := seeds(points, k, r)
		of := make([]int, len(points))
		for range 100 {
			changed := false
			for i, p := range points {
				if c := nearest(p, centers); c != of[i] {
					of[i], changed = c, true
				}
			}
			centers = means(points, of, k, centers)
			if !changed {
				break
			}
		}
		inertia := 0.0
		for i, p := range points {
			inertia += dist2(p, centers[of[i]])
		}
		if inertia < bestInertia {
			bestInertia = inertia
			best = Clustering{K: k, Of: slices.Clone(of), Centers: centers}
		}
	}
	return best
}

// seeds picks k-means++ centres: each next one drawn with a probability
// growing with its squared distance to the centres picked.
func seeds(points [][]float64, k int, r *rand.Rand) [][]float64 {
	centers := [][]float64{slices.Clone(points[r.IntN(len(points))])}
	d := make([]float64, len(points))
	for len(centers) < k {
		total := 0.0
		for i, p := range points {
			d[i] = dist2(p, centers[nearest(p, centers)])
			total += d[i]
		}
		pick := 0
		if total > 0 {
			x := r.Float64() * total
			for pick = 0; pick < len(points)-1 && x > d[pick]; pick++ {
				x -= d[pick]
			}
		} else {
			pick = r.IntN(len(points))
		}
		centers = append(centers, slices.Clone(points[pick]))
	}
	return centers
}

func nearest(p []float64, centers [][]float64) int {
	best, bestD := 0, math.Inf(1)
	for c, center := range centers {
		if d := dist2(p, center); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func means(points [][]float64, of []int, k int, old [][]float64) [][]float64 {
	dims := len(points[0])
	sums, counts := make([][]float64, k), make([]int, k)
	for c := range k {
		sums[c] = make([]float64, dims)
	}
	for i, p := range points {
		counts[of[i]]++
		for j, v := range p {
			sums[of[i]][j] += v
		}
	}
	for c := range k {
		if counts[c] == 0 {
			sums[c] = old[c] // an empty persona keeps its centre
			continue
		}
		for j := range sums[c] {
			sums[c][j] /= float64(counts[c])
		}
	}
	return sums
}

func dist2(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// silhouette is the mean silhouette of the points (on at most 2,000 of
// them, spread evenly: it costs a distance per pair).
func silhouette(points [][]float64, c Clustering) float64 {
	step := max(1, len(points)/2000)
	var idx []int
	for i := 0; i < len(points); i += step {
		idx = append(idx, i)
	}
	total, n := 0.0, 0
	for _, i := range idx {
		sum, cnt := make([]float64, c.K), make([]int, c.K)
		for _, j := range idx {
			if i != j {
				sum[c.Of[j]] += math.Sqrt(dist2(points[i], points[j]))
				cnt[c.Of[j]]++
			}
		}
		own := c.Of[i]
		if cnt[own] == 0 {
			continue
		}
		a, b := sum[own]/float64(cnt[own]), math.Inf(1)
		for k := range c.K {
			if k != own && cnt[k] > 0 {
				b = math.Min(b, sum[k]/float64(cnt[k]))
			}
		}
		if math.IsInf(b, 1) {
			continue
		}
		total += (b - a) / math.Max(a, b)
		n++
	}
	if n == 0 {
		return -1
	}
	return total / float64(n)
}

// bySize renumbers the personas by size, the largest 0, ties by centre.
func bySize(c Clustering) Clustering {
	sizes := make([]int, c.K)
	for _, o := range c.Of {
		sizes[o]++
	}
	order := make([]int, c.K)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if sizes[a] != sizes[b] {
			return sizes[b] - sizes[a]
		}
		return slices.Compare(c.Centers[a], c.Centers[b])
	})
	rank := make([]int, c.K)
	out := Clustering{K: c.K, Silhouette: c.Silhouette, Of: make([]int, len(c.Of)), Sizes: make([]int, c.K), Centers: make([][]float64, c.K)}
	for newIdx, old := range order {
		rank[old] = newIdx
		out.Centers[newIdx], out.Sizes[newIdx] = c.Centers[old], sizes[old]
	}
	for i, o := range c.Of {
		out.Of[i] = rank[o]
	}
	return out
}

// NearestPersona returns the persona whose centre is nearest to point: a
// prospect's, so that a lead can be recognised early.
func NearestPersona(point []float64, c Clustering) int { return nearest(point, c.Centers) }

// PersonaDistance is the distance from point to persona k's centre.
func PersonaDistance(point []float64, c Clustering, k int) float64 {
	return math.Sqrt(dist2(point, c.Centers[k]))
}

// PersonaTrait is a criterion's value more frequent among a persona's
// customers than among all: Share of the persona holds it, Overall of all,
// Lift is their ratio.
type PersonaTrait struct {
	PersonaDim
	Share, Overall, Lift float64
}

// PersonaTraits returns the traits of a persona of size customers whose
// values are counted in counts, against all total customers' in overall:
// the values held by at least minShare of it, by lift, the highest first,
// at most n.
func PersonaTraits(counts map[PersonaDim]int, size int, overall map[PersonaDim]int, total int, minShare float64, n int) []PersonaTrait {
	if size == 0 || total == 0 {
		return nil
	}
	var out []PersonaTrait
	for d, c := range counts {
		share, all := float64(c)/float64(size), float64(overall[d])/float64(total)
		if share >= minShare && all > 0 {
			out = append(out, PersonaTrait{PersonaDim: d, Share: share, Overall: all, Lift: share / all})
		}
	}
	slices.SortFunc(out, func(a, b PersonaTrait) int {
		if a.Lift != b.Lift {
			if a.Lift > b.Lift {
				return -1
			}
			return 1
		}
		if a.Criterion != b.Criterion {
			return a.Criterion - b.Criterion
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out[:min(len(out), n)]
}
