//go:build amd64 && !amd64.v3

#include "textflag.h"

// Rows of ·tanhK (tanh_amd64.go), 32 bytes each.
#define ABSM ·tanhK+0(SB)
#define SIGN ·tanhK+32(SB)
#define P0 ·tanhK+64(SB)
#define P1 ·tanhK+96(SB)
#define P2 ·tanhK+128(SB)
#define Q0 ·tanhK+160(SB)
#define Q1 ·tanhK+192(SB)
#define Q2 ·tanhK+224(SB)
#define SMALL ·tanhK+256(SB)
#define BIG ·tanhK+288(SB)
#define ONE ·tanhK+320(SB)
#define TWO ·tanhK+352(SB)
#define LOG2E ·tanhK+384(SB)
#define LN2U ·tanhK+416(SB)
#define LN2L ·tanhK+448(SB)
#define SIXT ·tanhK+480(SB)
#define E64 ·tanhK+512(SB)
#define E56 ·tanhK+544(SB)
#define E48 ·tanhK+576(SB)
#define E40 ·tanhK+608(SB)
#define E32 ·tanhK+640(SB)
#define E24 ·tanhK+672(SB)
#define E0 ·tanhK+704(SB)
#define E8 ·tanhK+736(SB)
#define MAGIC ·tanhK+768(SB)

// Loaded at 8*(4-n), the first n lanes are all ones: the tail's mask.
DATA tanhTail<>+0(SB)/8, $-1
DATA tanhTail<>+8(SB)/8, $-1
DATA tanhTail<>+16(SB)/8, $-1
DATA tanhTail<>+24(SB)/8, $-1
DATA tanhTail<>+32(SB)/8, $0
DATA tanhTail<>+40(SB)/8, $0
DATA tanhTail<>+48(SB)/8, $0
DATA tanhTail<>+56(SB)/8, $0
GLOBL tanhTail<>(SB), RODATA|NOPTR, $64

// Lane numbers 0..7 (int64): the element indices of a vector.
DATA tanhIota<>+0(SB)/8, $0
DATA tanhIota<>+8(SB)/8, $1
DATA tanhIota<>+16(SB)/8, $2
DATA tanhIota<>+24(SB)/8, $3
DATA tanhIota<>+32(SB)/8, $4
DATA tanhIota<>+40(SB)/8, $5
DATA tanhIota<>+48(SB)/8, $6
DATA tanhIota<>+56(SB)/8, $7
GLOBL tanhIota<>(SB), RODATA|NOPTR, $64

DATA tanhFour<>+0(SB)/8, $4
DATA tanhFour<>+8(SB)/8, $4
DATA tanhFour<>+16(SB)/8, $4
DATA tanhFour<>+24(SB)/8, $4
GLOBL tanhFour<>(SB), RODATA|NOPTR, $32

DATA tanhEight<>+0(SB)/8, $8
GLOBL tanhEight<>(SB), RODATA|NOPTR, $8

// func cpuFeatures() (avx2, avx512 bool)
TEXT ·cpuFeatures(SB), NOSPLIT, $0-2
	MOVB $0, avx2+0(FP)
	MOVB $0, avx512+1(FP)
	MOVL $0, AX
	CPUID
	CMPL AX, $7
	JLT  nofeat
	MOVL $1, AX
	MOVL $0, CX
	CPUID
	ANDL $0x18801000, CX // FMA, POPCNT, OSXSAVE, AVX
	CMPL CX, $0x18801000
	JNE  nofeat
	MOVL $0, CX
	XGETBV               // XCR0: which register state the OS saves
	MOVL AX, R8
	ANDL $6, AX          // XMM, YMM
	CMPL AX, $6
	JNE  nofeat
	MOVL $7, AX
	MOVL $0, CX
	CPUID
	BTL  $5, BX          // AVX2
	JCC  nofeat
	MOVB $1, avx2+0(FP)
	BTL  $16, BX         // AVX512F
	JCC  nofeat
	ANDL $0xe0, R8       // opmask, ZMM0-15 upper halves, ZMM16-31
	CMPL R8, $0xe0
	JNE  nofeat
	MOVB $1, avx512+1(FP)

nofeat:
	RET

// The kernels compute dst[i] = math.Tanh(float64(w*src[i]) + b) with the
// very operations math.Tanh performs, in blocks of BLOCK elements, in three
// passes:
//  1. every lane through the rational branch (|x| < 0.625),
//       x + ((x*s)*((P0*s+P1)*s+P2)) / (((s+Q0)*s+Q1)*s+Q2), s = x*x,
//     or x itself if x == ±0, stored to dst; the lanes with |x| >= 0.625
//     get their x and index packed into xbuf and ibuf (NaN fails that
//     compare and stays: the rational branch returns it quieted, as
//     math.Tanh does);
//  2. the packed lanes, two vectors at a time, through the exp branch:
//     e = math.Exp(2|x|) as exp_amd64.s's FMA path computes it, then
//     ±(1 - 2/(e+1)), or ±1 above 0.5*MAXLOG;
//  3. those results stored to dst at their indices.
// So the long exp branch costs only the lanes that take it. The divides bound
// the kernels' speed: one per lane, two for the exp lanes. exp's exponent k is
// rint(2|x|*LOG2E), like CVTSD2SL's, and 2^k is built from k + 2^52 + 1023
// (whose low bits are k + 1023), or by VSCALEFPD (exact: the result is
// normal). The frame holds xbuf and ibuf, BLOCK+16 entries each (packing and
// pass 2 read and write whole vectors): too big for NOSPLIT.
#define BLOCK 256
#define XBUF 0
#define IBUF 2176

// func tanhAVX2(dst, src *float64, n int, w, b float64)
TEXT ·tanhAVX2(SB), 0, $4352-40 // 2*(BLOCK+16)*8
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         DI, R12
	VBROADCASTSD w+24(FP), Y12
	VBROADCASTSD b+32(FP), Y13
	VPCMPEQQ     Y14, Y14, Y14          // valid lanes: all but in the tail
	VMOVDQU      tanhIota<>(SB), Y6     // indices of the vector's elements
	LEAQ         ·tanhPack(SB), R13
	XORQ         R9, R9                 // 1 on the tail

a2block:
	LEAQ    XBUF(SP), R10
	LEAQ    IBUF(SP), R11
	MOVQ    $BLOCK, DX
	CMPQ    CX, DX
	CMOVQLT CX, DX
	SUBQ    DX, CX

	// pass 1
a2loop:
	CMPQ    DX, $4
	JLT     a2tail
	VMOVUPD (SI), Y0

a2body:
	VMULPD    Y12, Y0, Y0
	VADDPD    Y13, Y0, Y0           // x
	VANDPD    ABSM, Y0, Y1          // |x|
	VCMPPD    $0x1d, SMALL, Y1, Y10 // |x| >= 0.625 (GE_OQ)
	VANDPD    Y14, Y10, Y10
	VMULPD    Y0, Y0, Y2            // s
	VMULPD    P0, Y2, Y3
	VADDPD    P1, Y3, Y3
	VMULPD    Y2, Y3, Y3
	VADDPD    P2, Y3, Y3
	VMULPD    Y2, Y0, Y4
	VMULPD    Y3, Y4, Y4
	VADDPD    Q0, Y2, Y5
	VMULPD    Y2, Y5, Y5
	VADDPD    Q1, Y5, Y5
	VMULPD    Y2, Y5, Y5
	VADDPD    Q2, Y5, Y5
	VDIVPD    Y5, Y4, Y4
	VADDPD    Y4, Y0, Y11
	VXORPD    Y9, Y9, Y9
	VCMPPD    $0, Y9, Y0, Y9        // x == 0 (EQ_OQ)
	VBLENDVPD Y9, Y0, Y11, Y11

	// pack the exp lanes: VPERMD moves them to the front
	VMOVMSKPD Y10, AX
	POPCNTL   AX, BX
	SHLQ      $5, AX
	VMOVDQU   (R13)(AX*1), Y7
	VPERMD    Y0, Y7, Y8
	VMOVUPD   Y8, (R10)
	VPERMD    Y6, Y7, Y8
	VMOVDQU   Y8, (R11)
	LEAQ      (R10)(BX*8), R10
	LEAQ      (R11)(BX*8), R11
	VPADDQ    tanhFour<>(SB), Y6, Y6

	TESTQ   R9, R9
	JNZ     a2last
	VMOVUPD Y11, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $4, DX
	JMP     a2loop

a2tail:
	TESTQ      DX, DX
	JZ         a2exp
	LEAQ       tanhTail<>(SB), AX
	MOVQ       $4, BX
	SUBQ       DX, BX
	VMOVUPD    (AX)(BX*8), Y14
	VMASKMOVPD (SI), Y14, Y0
	MOVQ       $1, R9
	JMP        a2body

a2last:
	VMASKMOVPD Y11, Y14, (DI)

	// pass 2
a2exp:
	LEAQ    XBUF(SP), R8
	CMPQ    R8, R10
	JEQ     a2next
	VMOVUPD ONE, Y0
	VMOVUPD Y0, (R10)     // a harmless x for the spare lanes of the last vectors
	VMOVUPD Y0, 32(R10)

	// Two vectors at a time: the exp chain is long.
a2exploop:
	VMOVUPD      (R8), Y0
	VMOVUPD      32(R8), Y7
	VANDPD       ABSM, Y0, Y1
	VANDPD       ABSM, Y7, Y8
	VADDPD       Y1, Y1, Y2
	VADDPD       Y8, Y8, Y9
	VMULPD       LOG2E, Y2, Y3
	VMULPD       LOG2E, Y9, Y10
	VROUNDPD     $0, Y3, Y3
	VROUNDPD     $0, Y10, Y10
	VFNMADD231PD LN2U, Y3, Y2
	VFNMADD231PD LN2U, Y10, Y9
	VFNMADD231PD LN2L, Y3, Y2
	VFNMADD231PD LN2L, Y10, Y9
	VMULPD       SIXT, Y2, Y2
	VMULPD       SIXT, Y9, Y9
	VMOVUPD      E64, Y4
	VMOVUPD      E64, Y11
	VFMADD213PD  E56, Y2, Y4
	VFMADD213PD  E56, Y9, Y11
	VFMADD213PD  E48, Y2, Y4
	VFMADD213PD  E48, Y9, Y11
	VFMADD213PD  E40, Y2, Y4
	VFMADD213PD  E40, Y9, Y11
	VFMADD213PD  E32, Y2, Y4
	VFMADD213PD  E32, Y9, Y11
	VFMADD213PD  E24, Y2, Y4
	VFMADD213PD  E24, Y9, Y11
	VFMADD213PD  E0, Y2, Y4
	VFMADD213PD  E0, Y9, Y11
	VFMADD213PD  E8, Y2, Y4
	VFMADD213PD  E8, Y9, Y11
	VMULPD       Y4, Y2, Y2
	VMULPD       Y11, Y9, Y9
	VADDPD       TWO, Y2, Y4
	VADDPD       TWO, Y9, Y11
	VMULPD       Y4, Y2, Y2
	VMULPD       Y11, Y9, Y9
	VADDPD       TWO, Y2, Y4
	VADDPD       TWO, Y9, Y11
	VMULPD       Y4, Y2, Y2
	VMULPD       Y11, Y9, Y9
	VADDPD       TWO, Y2, Y4
	VADDPD       TWO, Y9, Y11
	VMULPD       Y4, Y2, Y2
	VMULPD       Y11, Y9, Y9
	VADDPD       TWO, Y2, Y4
	VADDPD       TWO, Y9, Y11
	VFMADD213PD  ONE, Y4, Y2
	VFMADD213PD  ONE, Y11, Y9
	VADDPD       MAGIC, Y3, Y3
	VADDPD       MAGIC, Y10, Y10
	VPSLLQ       $52, Y3, Y3
	VPSLLQ       $52, Y10, Y10
	VMULPD       Y3, Y2, Y2
	VMULPD       Y10, Y9, Y9
	VADDPD       ONE, Y2, Y2
	VADDPD       ONE, Y9, Y9
	VMOVUPD      TWO, Y4
	VMOVUPD      TWO, Y11
	VDIVPD       Y2, Y4, Y4
	VDIVPD       Y9, Y11, Y11
	VMOVUPD      ONE, Y2
	VMOVUPD      ONE, Y9
	VSUBPD       Y4, Y2, Y2
	VSUBPD       Y11, Y9, Y9
	VANDPD       SIGN, Y0, Y3
	VANDPD       SIGN, Y7, Y10
	VXORPD       Y3, Y2, Y2
	VXORPD       Y10, Y9, Y9
	VCMPPD       $0x1e, BIG, Y1, Y1
	VCMPPD       $0x1e, BIG, Y8, Y8
	VORPD        ONE, Y3, Y4
	VORPD        ONE, Y10, Y11
	VBLENDVPD    Y1, Y4, Y2, Y0
	VBLENDVPD    Y8, Y11, Y9, Y7
	VMOVUPD      Y0, (R8)
	VMOVUPD      Y7, 32(R8)
	ADDQ         $64, R8
	CMPQ         R8, R10
	JLT          a2exploop

	LEAQ XBUF(SP), R8
	LEAQ IBUF(SP), BX

	// pass 3
a2scatter:
	MOVQ (BX), AX
	MOVQ (R8), DX
	MOVQ DX, (R12)(AX*8)
	ADDQ $8, R8
	ADDQ $8, BX
	CMPQ R8, R10
	JLT  a2scatter

a2next:
	TESTQ CX, CX
	JNZ   a2block
	VZEROUPPER
	RET

// func tanhAVX512(dst, src *float64, n int, w, b float64)
TEXT ·tanhAVX512(SB), 0, $4352-40 // 2*(BLOCK+16)*8
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         DI, R12
	VBROADCASTSD w+24(FP), Z12
	VBROADCASTSD b+32(FP), Z13
	VBROADCASTSD ONE, Z16
	VBROADCASTSD TWO, Z17
	KXNORW       K7, K7, K7
	VMOVDQU64    tanhIota<>(SB), Z6
	XORQ         R9, R9

z5block:
	LEAQ    XBUF(SP), R10
	LEAQ    IBUF(SP), R11
	MOVQ    $BLOCK, DX
	CMPQ    CX, DX
	CMOVQLT CX, DX
	SUBQ    DX, CX

	// pass 1
z5loop:
	CMPQ    DX, $8
	JLT     z5tail
	VMOVUPD (SI), Z0

z5body:
	VMULPD      Z12, Z0, Z0
	VADDPD      Z13, Z0, Z0
	VPANDQ.BCST ABSM, Z0, Z1
	VCMPPD.BCST $0x1d, SMALL, Z1, K7, K1 // exp lanes (of the valid K7)
	VMULPD      Z0, Z0, Z2
	VMULPD.BCST P0, Z2, Z3
	VADDPD.BCST P1, Z3, Z3
	VMULPD      Z2, Z3, Z3
	VADDPD.BCST P2, Z3, Z3
	VMULPD      Z2, Z0, Z4
	VMULPD      Z3, Z4, Z4
	VADDPD.BCST Q0, Z2, Z5
	VMULPD      Z2, Z5, Z5
	VADDPD.BCST Q1, Z5, Z5
	VMULPD      Z2, Z5, Z5
	VADDPD.BCST Q2, Z5, Z5
	VDIVPD      Z5, Z4, Z4
	VADDPD      Z4, Z0, Z11
	VPTESTNMQ   Z1, Z1, K3               // x == ±0
	VMOVAPD     Z0, K3, Z11

	VCOMPRESSPD Z0, K1, Z8
	VMOVUPD     Z8, (R10)
	VPCOMPRESSQ Z6, K1, Z9
	VMOVDQU64   Z9, (R11)
	KMOVW       K1, AX
	POPCNTL     AX, AX
	LEAQ        (R10)(AX*8), R10
	LEAQ        (R11)(AX*8), R11
	VPADDQ.BCST tanhEight<>(SB), Z6, Z6

	TESTQ   R9, R9
	JNZ     z5last
	VMOVUPD Z11, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $8, DX
	JMP     z5loop

z5tail:
	TESTQ     DX, DX
	JZ        z5exp
	MOVL      $1, AX
	MOVQ      DX, CX
	SHLL      CX, AX
	XORQ      CX, CX      // the tail is in the last block
	DECL      AX
	KMOVW     AX, K7
	VMOVUPD.Z (SI), K7, Z0
	MOVQ      $1, R9
	JMP       z5body

z5last:
	VMOVUPD Z11, K7, (DI)

	// pass 2
z5exp:
	LEAQ    XBUF(SP), R8
	CMPQ    R8, R10
	JEQ     z5next
	VMOVUPD Z16, (R10)   // a harmless x for the spare lanes of the last vectors
	VMOVUPD Z16, 64(R10)

	// Two vectors at a time: the exp chain is long.
z5exploop:
	VMOVUPD           (R8), Z0
	VMOVUPD           64(R8), Z20
	VPANDQ.BCST       ABSM, Z0, Z1
	VPANDQ.BCST       ABSM, Z20, Z21
	VADDPD            Z1, Z1, Z2
	VADDPD            Z21, Z21, Z22
	VMULPD.BCST       LOG2E, Z2, Z3
	VMULPD.BCST       LOG2E, Z22, Z23
	VRNDSCALEPD       $0, Z3, Z3
	VRNDSCALEPD       $0, Z23, Z23
	VFNMADD231PD.BCST LN2U, Z3, Z2
	VFNMADD231PD.BCST LN2U, Z23, Z22
	VFNMADD231PD.BCST LN2L, Z3, Z2
	VFNMADD231PD.BCST LN2L, Z23, Z22
	VMULPD.BCST       SIXT, Z2, Z2
	VMULPD.BCST       SIXT, Z22, Z22
	VBROADCASTSD      E64, Z4
	VBROADCASTSD      E64, Z24
	VFMADD213PD.BCST  E56, Z2, Z4
	VFMADD213PD.BCST  E56, Z22, Z24
	VFMADD213PD.BCST  E48, Z2, Z4
	VFMADD213PD.BCST  E48, Z22, Z24
	VFMADD213PD.BCST  E40, Z2, Z4
	VFMADD213PD.BCST  E40, Z22, Z24
	VFMADD213PD.BCST  E32, Z2, Z4
	VFMADD213PD.BCST  E32, Z22, Z24
	VFMADD213PD.BCST  E24, Z2, Z4
	VFMADD213PD.BCST  E24, Z22, Z24
	VFMADD213PD.BCST  E0, Z2, Z4
	VFMADD213PD.BCST  E0, Z22, Z24
	VFMADD213PD.BCST  E8, Z2, Z4
	VFMADD213PD.BCST  E8, Z22, Z24
	VMULPD            Z4, Z2, Z2
	VMULPD            Z24, Z22, Z22
	VADDPD            Z17, Z2, Z4
	VADDPD            Z17, Z22, Z24
	VMULPD            Z4, Z2, Z2
	VMULPD            Z24, Z22, Z22
	VADDPD            Z17, Z2, Z4
	VADDPD            Z17, Z22, Z24
	VMULPD            Z4, Z2, Z2
	VMULPD            Z24, Z22, Z22
	VADDPD            Z17, Z2, Z4
	VADDPD            Z17, Z22, Z24
	VMULPD            Z4, Z2, Z2
	VMULPD            Z24, Z22, Z22
	VADDPD            Z17, Z2, Z4
	VADDPD            Z17, Z22, Z24
	VFMADD213PD       Z16, Z4, Z2
	VFMADD213PD       Z16, Z24, Z22
	VSCALEFPD         Z3, Z2, Z2
	VSCALEFPD         Z23, Z22, Z22
	VADDPD            Z16, Z2, Z2
	VADDPD            Z16, Z22, Z22
	VDIVPD            Z2, Z17, Z4
	VDIVPD            Z22, Z17, Z24
	VSUBPD            Z4, Z16, Z2
	VSUBPD            Z24, Z16, Z22
	VPANDQ.BCST       SIGN, Z0, Z3
	VPANDQ.BCST       SIGN, Z20, Z23
	VPXORQ            Z3, Z2, Z2
	VPXORQ            Z23, Z22, Z22
	VCMPPD.BCST       $0x1e, BIG, Z1, K2
	VCMPPD.BCST       $0x1e, BIG, Z21, K3
	VPORQ             Z16, Z3, K2, Z2
	VPORQ             Z16, Z23, K3, Z22
	VMOVAPD           Z2, Z0
	VMOVAPD           Z22, Z20
	VMOVUPD           Z0, (R8)
	VMOVUPD           Z20, 64(R8)
	ADDQ              $128, R8
	CMPQ              R8, R10
	JLT               z5exploop

	LEAQ XBUF(SP), R8
	LEAQ IBUF(SP), BX

	// pass 3
z5scatter:
	MOVQ (BX), AX
	MOVQ (R8), DX
	MOVQ DX, (R12)(AX*8)
	ADDQ $8, R8
	ADDQ $8, BX
	CMPQ R8, R10
	JLT  z5scatter

z5next:
	TESTQ CX, CX
	JNZ   z5block
	VZEROUPPER
	RET
