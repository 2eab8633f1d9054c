package flow

import (
	"os"
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestMeasuringKey changes each setting of Config and of its Run in turn:
// the key changes for every one that notMeasuring does not list, and for
// none that it does. A setting added later fails here until it is
// classified (or given a value below).
func TestMeasuringKey(t *testing.T) {
	base := DefaultConfig()
	want := base.MeasuringKey()
	if again := base.MeasuringKey(); again != want {
		t.Fatalf("two keys of one configuration differ: %s, %s", want, again)
	}
	var check func(path string, v reflect.Value)
	check = func(path string, v reflect.Value) {
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			name := path + sf.Name
			if name == "Run" {
				check("Run.", v.Field(i))
				continue
			}
			t.Run(name, func(t *testing.T) {
				c := base
				f := reflect.ValueOf(&c).Elem()
				for _, part := range splitPath(name) {
					f = f.FieldByName(part)
				}
				if !change(f) {
					if slices.Contains(notMeasuring, name) {
						return
					}
					t.Fatalf("a %s cannot be set here: list %s in notMeasuring or teach change to set it", f.Type(), name)
				}
				got := c.MeasuringKey()
				switch listed := slices.Contains(notMeasuring, name); {
				case listed && got != want:
					t.Errorf("%s is listed as not measuring, but changing it changed the key", name)
				case !listed && got == want:
					t.Errorf("changing %s did not change the key", name)
				}
			})
		}
	}
	check("", reflect.ValueOf(base))

	t.Run("environment", func(t *testing.T) {
		t.Setenv("GODEBUG", "gctrace=1")
		if base.MeasuringKey() == want {
			t.Error("GODEBUG did not change the key")
		}
	})
	t.Run("every listed setting exists", func(t *testing.T) {
		for _, name := range notMeasuring {
			f := reflect.ValueOf(base)
			for _, part := range splitPath(name) {
				f = f.FieldByName(part)
			}
			if !f.IsValid() {
				t.Errorf("notMeasuring names %s, which Config does not have", name)
			}
		}
	})
}

// change sets v to a value other than its own, reporting false when it
// does not know how.
func change(v reflect.Value) bool {
	if v.Type() == reflect.TypeOf(time.Time{}) {
		v.Set(reflect.ValueOf(time.Unix(1, 0)))
		return true
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Slice:
		v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		if !change(k) {
			return false
		}
		m.SetMapIndex(k, reflect.New(v.Type().Elem()).Elem())
		v.Set(m)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Interface:
		if !reflect.TypeOf(os.Stderr).Implements(v.Type()) {
			return false
		}
		v.Set(reflect.ValueOf(os.Stderr))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && change(v.Field(i)) {
				return true
			}
		}
		return false
	default:
		return false
	}
	return true
}
