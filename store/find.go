package store

func init() {
	// find and top sort by score within a filter on stage (an index
	// already), sector, city or owner: with the score second in the index,
	// the page is the first entries of one range, read in order, instead of
	// every matching contact sorted. The one-column indexes they replace
	// are the first part of the new ones.
	register(migration{9, "find and top: sector, city and owner indexes sorted by score", `
CREATE INDEX contacts_sector_score ON contacts ({{ci sector}}, score);
DROP INDEX contacts_sector;
CREATE INDEX contacts_city_score ON contacts ({{ci city}}, score);
DROP INDEX contacts_city;
CREATE INDEX contacts_owner_score ON contacts ({{ci owner}}, score);
DROP INDEX contacts_owner;
`})
}
