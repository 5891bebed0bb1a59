// Types for the parts of des.js (pure-JS DES) we use; the package ships none.
declare module 'des.js' {
  interface CipherOptions {
    type: 'encrypt' | 'decrypt';
    key: number[] | Uint8Array;
    iv?: number[] | Uint8Array;
    padding?: boolean;
  }
  interface CipherInstance {
    update(data: number[] | Uint8Array): number[];
    final(data?: number[] | Uint8Array): number[];
  }
  interface CipherClass {
    create(options: CipherOptions): CipherInstance;
  }
  const desjs: {
    DES: CipherClass;
    EDE: CipherClass;
    CBC: { instantiate(base: CipherClass): CipherClass };
  };
  export = desjs;
}
