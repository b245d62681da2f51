package names_test

import (
	"fmt"

	"github.com/ercms/ercms/names"
)

func ExampleLatin() {
	fmt.Println(names.Latin("Һүсејнов"))
	fmt.Println(names.Latin("Гусейнов"))
	// Output:
	// Hüseynov
	// Guseynov
}

func ExampleICAO() {
	fmt.Println(names.ICAO("Məmmədov Əli"))
	fmt.Println(names.ICAO("Гусейнов"))
	// Output:
	// MAMMADOV<ALI
	// GUSEINOV
}

func ExampleKey() {
	fmt.Println(names.Key("Şükürova-Əliyeva"))
	// Output: sukurova aliyeva
}

func ExampleSkeleton() {
	for _, s := range []string{"Məmmədov", "Мамедов", "MAMMADOV", "Mehdiyev"} {
		fmt.Println(s, names.Skeleton(s))
	}
	// Output:
	// Məmmədov mamadov
	// Мамедов mamadov
	// MAMMADOV mamadov
	// Mehdiyev makdiav
}
