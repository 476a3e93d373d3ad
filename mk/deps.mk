# make deps: install the Debian packages Isola needs, only those missing.
DEB_PACKAGES := nasm grub-pc-bin grub-common xorriso mtools qemu-system-x86 gdb \
                frama-c-base why3 z3 cvc4 cvc5 ocaml-nox ocaml-findlib musl-tools python3 cpio libcmocka-dev clang libclang-rt-14-dev

.PHONY: deps
deps:
	@tools/install-deps $(DEB_PACKAGES)
