package web

import (
	"slices"
	"testing"

	"github.com/ercms/ercms"
)

// TestDocumentsOfTravelDocuments: a case prints the travel document of
// its kind: the mission's emergency travel document, or the requesting
// state's EU travel document for return.
func TestDocumentsOfTravelDocuments(t *testing.T) {
	national := &ercms.Case{Type: ercms.TypeReadmission, TravelDocument: &ercms.TravelDocument{Kind: ercms.TravelDocumentNational}}
	eu := &ercms.Case{Type: ercms.TypeReadmission, TravelDocument: &ercms.TravelDocument{Kind: ercms.TravelDocumentEUStandard}}
	if d := documentsOf(national); !slices.Contains(d, "travel_document") || slices.Contains(d, "eu_travel_document") {
		t.Errorf("national: %v", d)
	}
	if d := documentsOf(eu); slices.Contains(d, "travel_document") || !slices.Contains(d, "eu_travel_document") {
		t.Errorf("EU: %v", d)
	}
}
