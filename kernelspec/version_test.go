package kernelspec

import "testing"

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Version
	}{
		{"5.8", Version{5, 8, 0}},
		{"v5.8", Version{5, 8, 0}},
		{"5.8.0", Version{5, 8, 0}},
		{"5.8-rc3", Version{5, 8, 0}},
		{"6.1.0-18-amd64", Version{6, 1, 0}},
		{"5.15.0-91-generic", Version{5, 15, 0}},
		{"4.18.0-513.el8.x86_64", Version{4, 18, 0}},
		{"6.18.44-fc-v657", Version{6, 18, 44}},
		{"5.10.200+", Version{5, 10, 200}},
		{" 7.2 ", Version{7, 2, 0}},
	} {
		got, err := ParseVersion(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "5", "v", "5.", ".8", "5.8a", "5.x", "5.8.1.2", "05.8", "5.8-", "five.eight", "5..8", "-5.8", "99999999.1"} {
		if v, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) = %v; want an error", in, v)
		}
	}
}

func TestVersionOrderAndPrint(t *testing.T) {
	order := []string{"3.18", "4.1", "4.9", "4.9.1", "4.10", "5.4", "5.15", "6.1", "7.0"}
	for i := range order {
		for j := range order {
			a, b := MustParseVersion(order[i]), MustParseVersion(order[j])
			if got, want := a.Compare(b), sign(i-j); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
		if got := MustParseVersion(order[i]).String(); got != order[i] {
			t.Errorf("String() = %q, want %q", got, order[i])
		}
	}
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func TestVersionCode(t *testing.T) {
	v := Version{5, 8, 3}
	if got := v.Code(); got != 0x050803 {
		t.Errorf("Code() = %#x, want 0x050803", got)
	}
	if got := (Version{4, 9, 300}).Code(); got != 0x0409ff {
		t.Errorf("Code() of 4.9.300 = %#x, want the patch clamped to 255", got)
	}
	if got := VersionFromCode(0x050803); got != v {
		t.Errorf("VersionFromCode = %v, want %v", got, v)
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"5.8", "v5.8", "5.8.0", "5.8-rc3", "6.1.0-18-amd64", "4.18.0-513.el8.x86_64", "", "5.8a", "0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		// What parses must print back to something that parses to the same.
		w, err := ParseVersion(v.String())
		if err != nil || w != v {
			t.Fatalf("ParseVersion(%q) = %v, but its String %q parses to %v, %v", s, v, v.String(), w, err)
		}
		if v.Compare(v) != 0 || v.Less(v) {
			t.Fatalf("%v is not equal to itself", v)
		}
	})
}
