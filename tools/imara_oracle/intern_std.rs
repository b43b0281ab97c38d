// Oracle build: imara-diff 0.2.0's interner API backed by std's HashMap.
use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Index;

#[derive(PartialEq, Eq, Hash, Clone, Copy, Debug, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Token(pub u32);

pub trait TokenSource {
    type Token: Hash + Eq;
    type Tokenizer: Iterator<Item = Self::Token>;
    fn tokenize(&self) -> Self::Tokenizer;
    fn estimate_tokens(&self) -> u32;
}

pub struct InternedInput<T> {
    pub before: Vec<Token>,
    pub after: Vec<Token>,
    pub interner: Interner<T>,
}

pub struct Interner<T> {
    tokens: Vec<T>,
    map: HashMap<T, Token>,
}

impl<T: Hash + Eq + Clone> Interner<T> {
    pub fn new() -> Self { Interner { tokens: Vec::new(), map: HashMap::new() } }
    pub fn intern(&mut self, t: T) -> Token {
        if let Some(&tok) = self.map.get(&t) { return tok; }
        let tok = Token(self.tokens.len() as u32);
        self.tokens.push(t.clone());
        self.map.insert(t, tok);
        tok
    }
}
impl<T> Interner<T> {
    pub fn num_tokens(&self) -> u32 { self.tokens.len() as u32 }
}
impl<T> Index<Token> for Interner<T> {
    type Output = T;
    fn index(&self, index: Token) -> &T { &self.tokens[index.0 as usize] }
}
impl<T: Hash + Eq + Clone> InternedInput<T> {
    pub fn new<I: TokenSource<Token = T>>(before: I, after: I) -> Self {
        let mut interner = Interner::new();
        let before = before.tokenize().map(|t| interner.intern(t)).collect();
        let after = after.tokenize().map(|t| interner.intern(t)).collect();
        InternedInput { before, after, interner }
    }
}
