package digest

import "github.com/crmbot/crmbot/locale"

// The names of the pipeline's stages (domain.Stages) and of the RFM
// segments (domain.RFMSegments) are message ids: the chart writes
// p.T(string(stage)). They are marked here for the catalogs, and a test
// checks that every stage and segment has its French.
var _ = []string{
	locale.Key("lead"), locale.Key("prospect"), locale.Key("qualified"), locale.Key("customer"), locale.Key("lost"),
	locale.Key("Champions"), locale.Key("Loyal"), locale.Key("Potential loyalist"), locale.Key("New"),
	locale.Key("Promising"), locale.Key("Need attention"), locale.Key("About to sleep"), locale.Key("At risk"),
	locale.Key("Can't lose them"), locale.Key("Hibernating"),
}
