import type { LanguagePack } from './index.js';

// Courtesy "Lei" or impersonal forms: the reader may be a teacher in the app as well as a developer reading logs.
export const it: LanguagePack = {
  CourseNotModifiable: {
    title: 'Corso bloccato',
    cause:
      'Il corso è archiviato o comunque bloccato, per cui Classroom rifiuta modifiche ai contenuti e agli iscritti. Resta modificabile solo courseState.',
    action:
      'Riporti il corso allo stato attivo chiamando courses.patch con updateMask=courseState e courseState impostato su ACTIVE, poi ripeta la richiesta. Le altre modifiche possono viaggiare nello stesso patch.',
  },
  PendingInvitationExists: {
    title: 'Passaggio di proprietà già avviato',
    cause:
      'Per questo corso esiste già un invito a diventarne proprietario che il destinatario non ha ancora accettato. Si può avere un solo trasferimento aperto alla volta.',
    action:
      "Attenda che l'invitato accetti, oppure annulli l'invito in sospeso con invitations.delete e avvii poi il nuovo trasferimento.",
  },
  CourseMemberLimitReached: {
    title: 'Corso al completo',
    cause:
      'Aggiungendo questa persona, il corso supererebbe il tetto di membri, che conta insieme docenti e studenti (di norma 1.000).',
    action:
      "Tolga dal corso gli studenti o i docenti che non devono più farne parte (un'app può farlo ad esempio con courses.students.delete), quindi aggiunga di nuovo la persona.",
  },
  CourseTeacherLimitReached: {
    title: 'Troppi docenti',
    cause:
      'Il corso ha già il numero massimo di docenti ammesso (20 per impostazione predefinita), quindi non ne può accogliere un altro.',
    action:
      "Liberi un posto togliendo un co-docente non più necessario (un'app può usare courses.teachers.delete) e poi riprovi.",
  },
  UserGroupsMembershipLimitReached: {
    title: 'Troppi gruppi per questo account',
    cause:
      'Ogni iscrizione a un corso conta anche come appartenenza a un gruppo Google, e questo account ha toccato il tetto di gruppi. Non può quindi né creare altri corsi né entrarvi.',
    action:
      "Chieda all'utente di uscire dai corsi che non frequenta più (un'app può toglierlo con courses.students.delete). Per seguire altri corsi si può anche usare un secondo account.",
  },
  AttachmentNotVisible: {
    title: 'Allegato non accessibile',
    cause:
      'Almeno uno degli elementi allegati manca, è di un tipo diverso da quello atteso o è nascosto a chi ha fatto la richiesta. Il caso tipico è un file di Drive mai condiviso con quella persona.',
    action:
      'Controlli gli ID degli allegati, come gli ID dei file di Drive, e verifichi che il file sia condiviso con questo utente; poi invii di nuovo la richiesta.',
  },
  CannotRemoveCourseFolderOwner: {
    title: 'Il docente possiede la cartella del corso',
    cause:
      'Questo docente è il proprietario della cartella del corso in Google Drive, e Classroom non toglie dal corso chi possiede quella cartella.',
    action: 'Prima assegni a un altro docente la cartella in Drive come proprietario, poi ripeta la rimozione.',
  },
  CannotRemoveCourseOwner: {
    title: 'Il proprietario non si può togliere',
    cause:
      'Il docente che sta togliendo è il proprietario del corso, e il proprietario non può essere tolto dal suo stesso corso. Di solito succede quando un docente cerca di togliere sé stesso.',
    action:
      'Nomini prima un nuovo proprietario impostando ownerId con courses.patch (deve già insegnare nel corso); dopo potrà togliere il proprietario precedente.',
  },
  CannotRemoveCourseOwnerTransferIncomplete: {
    title: 'Trasferimento di proprietà non concluso',
    cause:
      "Il corso sta passando a un nuovo proprietario tramite un'operazione in background, e finché non termina il proprietario precedente non può essere tolto.",
    action:
      'Aspetti qualche minuto che il passaggio si concluda, poi ripeta la rimozione. Riprovare subito porta allo stesso errore.',
  },
  CannotRemoveTeacherWithNoCourseOwner: {
    title: 'Corso senza proprietario attivo',
    cause:
      'Al momento il corso non ha un proprietario valido, di solito perché il suo account è stato eliminato, e in questa situazione Classroom blocca la rimozione dei docenti.',
    action:
      "Chieda a un amministratore di Google Workspace di ripristinare l'account del proprietario o di assegnare al corso un nuovo proprietario; dopo sarà possibile togliere il docente.",
  },
  InactiveCourseOwner: {
    title: 'Account del proprietario inattivo',
    cause:
      "L'account a cui appartiene il corso è stato eliminato o sospeso, perciò Classroom non consente questa modifica.",
    action:
      "Serve che un amministratore del dominio del proprietario recuperi l'account. Quando sarà di nuovo attivo, ripeta la richiesta.",
  },
  IneligibleOwner: {
    title: 'Il nuovo proprietario non è un docente',
    cause: 'Può diventare proprietario solo chi insegna già nel corso, e la persona indicata non è tra i docenti.',
    action:
      'Prima la renda co-docente: un amministratore può aggiungerla direttamente con courses.teachers.create, chiunque altro la invita come docente. Quando è entrata, ripeta il passaggio di proprietà.',
  },
  UserCannotOwnCourse: {
    title: 'Proprietario non ammesso',
    cause:
      "L'account indicato come proprietario non può ricevere questo corso. Chi non è amministratore può creare soltanto corsi di cui sarà proprietario lui stesso; per un amministratore, l'account non esiste o appartiene a un altro dominio.",
    action:
      "Crei il corso con sé stesso come proprietario (ownerId me). Se è amministratore, verifichi che l'account esista e faccia parte del Suo dominio.",
  },
  CourseTitleCannotContainUrl: {
    title: 'Link nel titolo del corso',
    cause: 'Classroom non accetta titoli di corso che contengono un indirizzo web.',
    action: 'Tolga il link dal titolo e salvi di nuovo il corso.',
  },
  CourseTopicLimitReached: {
    title: 'Troppi argomenti',
    cause: 'Il corso ha già tutti gli argomenti che Classroom consente, quindi non se ne possono creare altri.',
    action:
      'Elimini gli argomenti inutilizzati, ad esempio con courses.topics.delete, oppure riutilizzi un argomento esistente.',
  },
  EmptyAssignees: {
    title: 'Nessun destinatario rimasto',
    cause: "Con questa modifica l'elemento non sarebbe più assegnato ad alcuno studente, mentre deve raggiungerne almeno uno.",
    action: "Lasci almeno uno studente nell'elenco, oppure assegni l'elemento a tutta la classe con courses.courseWork.modifyAssignees e assigneeMode ALL_STUDENTS.",
  },
  RubricCriteriaInvalidFormat: {
    title: 'Griglia di valutazione non valida',
    cause: 'Un criterio è senza titolo o senza livelli, solo alcuni livelli hanno un punteggio, oppure due livelli dello stesso criterio valgono uguale.',
    action: 'Dia a ogni criterio un titolo e almeno un livello, assegni i punti a tutti i livelli o a nessuno e usi punteggi diversi all\'interno di ciascun criterio.',
  },
  MissingGrant: {
    title: 'Autorizzazione OAuth mancante',
    cause:
      "Classroom non trova un consenso dato da questo utente al Suo progetto Cloud per gli ambiti richiesti dal feed di notifiche. Capita con le registrazioni fatte da un account di servizio con delega a livello di dominio, che non portano il consenso dell'utente.",
    action:
      "Faccia autorizzare l'app dall'utente tramite la normale schermata di consenso OAuth con gli ambiti del feed, poi chiami registrations.create con il token dell'utente stesso.",
  },
  ClassroomDisabled: {
    title: 'Classroom non disponibile',
    cause:
      'Questo account non è abilitato a usare Google Classroom, per esempio perché il servizio è disattivato per lui nella Console di amministrazione.',
    action:
      "Chieda all'amministratore di Google Workspace di attivare Classroom per il Suo account, oppure acceda con un account che lo ha.",
  },
  ClassroomApiDisabled: {
    title: 'API Classroom disattivata',
    cause: "Un amministratore del dominio ha disattivato per gli utenti l'accesso ai dati di Classroom tramite API.",
    action:
      "Chieda all'amministratore del dominio di consentire l'accesso all'API Classroom nella Console di amministrazione. L'app non può aggirare questa impostazione.",
  },
  CannotDirectAddUser: {
    title: 'Serve un invito',
    cause:
      'Questa persona non può essere inserita direttamente nel corso, ad esempio perché è esterna al dominio o non ha un indirizzo email registrato.',
    action: 'Invii invece un invito con invitations.create; la persona entrerà nel corso quando lo avrà accettato.',
  },
  ProjectPermissionDenied: {
    title: 'Elemento di un altro progetto',
    cause:
      "L'elemento è stato creato da un altro progetto Google Cloud, e i compiti con le relative consegne possono essere modificati solo dal progetto che li ha creati.",
    action:
      "Lo modifichi dall'app che lo ha creato, oppure faccia creare alla Sua app un elemento proprio. Con le credenziali di questo progetto non è possibile cambiarlo.",
  },
  UserIneligibleToUpdateGradingPeriodSettings: {
    title: 'Licenza mancante per i periodi di valutazione',
    cause:
      'Per cambiare i periodi di valutazione serve una licenza a pagamento di Google Workspace for Education, che questo utente non ha.',
    action:
      "Chieda a un amministratore di assegnare la licenza all'utente, oppure faccia cambiare l'impostazione a un docente del corso che ne dispone.",
  },
  InsufficientScopes: {
    title: 'Ambiti OAuth insufficienti',
    cause: 'Il token di accesso è stato emesso senza nessuno degli ambiti OAuth richiesti da questo metodo.',
    action:
      "Aggiunga l'ambito necessario alla richiesta di autorizzazione dell'app, ottenga di nuovo il consenso dell'utente e riprovi con il nuovo token. Gli ambiti accettati sono elencati nella pagina di riferimento del metodo.",
  },
  UserCourseJoinRateLimitReached: {
    title: 'Limite giornaliero di iscrizioni raggiunto',
    cause: 'Oggi questo utente è già entrato in tutti i corsi che Classroom consente in un solo giorno.',
    action:
      'Aspetti un giorno intero prima di aggiungere o iscrivere di nuovo questo utente. I tentativi anticipati falliscono e consumano solo quota.',
  },
  ProjectRateLimitExceeded: {
    title: 'Limite di richieste del progetto superato',
    cause:
      "Il Suo progetto Cloud ha inviato più richieste al minuto di quante ne consenta la quota dell'API Classroom.",
    action:
      "Ritenti con backoff esponenziale e jitter e distribuisca le richieste nel tempo. Se la quota non basta per il carico normale, può chiederne l'aumento nella console di Google Cloud.",
  },
  UserRateLimitExceeded: {
    title: 'Limite di richieste per utente superato',
    cause: "Nell'arco di un minuto sono partite troppe richieste per conto di questo singolo utente.",
    action:
      'Rallenti le richieste per questo utente e le ripeta con backoff esponenziale e jitter. Una quota per utente più alta si può richiedere nella console di Google Cloud.',
  },
  DailyLimitExceeded: {
    title: 'Quota giornaliera esaurita',
    cause: "Il Suo progetto Cloud ha consumato tutta la quota giornaliera di richieste all'API Classroom.",
    action:
      'Le richieste torneranno a passare quando la quota giornaliera si azzera: fino ad allora attenda invece di ritentare. Se succede spesso, chieda un aumento della quota nella console di Google Cloud.',
  },
  INVALID_ARGUMENT: {
    title: 'Richiesta non valida',
    cause:
      "Un campo o un parametro della richiesta ha un valore che l'API non accetta, come un ID malformato o un campo obbligatorio mancante.",
    action:
      "Corregga la richiesta seguendo i dettagli dell'errore, che spesso indicano il campo sbagliato. Inviata così com'è, fallirà di nuovo.",
  },
  FAILED_PRECONDITION: {
    title: 'Operazione non possibile ora',
    cause: "La richiesta in sé è corretta, ma lo stato attuale del corso o dell'utente non la permette.",
    action:
      "Legga nel messaggio di errore quale condizione manca, faccia cambiare quello stato all'utente e poi riprovi. Ripeterla identica non serve.",
  },
  OUT_OF_RANGE: {
    title: 'Valore fuori intervallo',
    cause:
      "Un valore della richiesta è fuori dall'intervallo ammesso, per esempio una dimensione di pagina troppo grande o una data non valida.",
    action: 'Riporti il valore entro i limiti documentati e invii la richiesta corretta.',
  },
  UNAUTHENTICATED: {
    title: 'Accesso richiesto',
    cause: 'La richiesta non aveva credenziali valide: il token di accesso manca, è scaduto o è stato revocato.',
    action: "Aggiorni il token di accesso o chieda all'utente di accedere di nuovo, poi ripeta la richiesta.",
  },
  PERMISSION_DENIED: {
    title: 'Permesso negato',
    cause: "L'utente connesso non è autorizzato a compiere questa azione su questo corso o elemento.",
    action:
      "Verifichi il ruolo dell'utente nel corso (docente, proprietario o amministratore). Se manca, deve agire qualcuno che ha quel ruolo, oppure concedere l'accesso.",
  },
  NOT_FOUND: {
    title: 'Non trovato',
    cause:
      "Il corso, l'utente o l'elemento a cui si riferisce la richiesta non esiste oppure non è visibile a questo utente.",
    action:
      "Controlli gli ID nella richiesta: l'elemento potrebbe essere stato eliminato o l'utente potrebbe non avervi accesso.",
  },
  ALREADY_EXISTS: {
    title: 'Già esistente',
    cause:
      "Ciò che la richiesta vuole creare c'è già: per esempio l'utente è già membro del corso o ha già ricevuto un invito.",
    action: "Lo consideri un successo, oppure recuperi l'elemento esistente invece di crearlo di nuovo.",
  },
  ABORTED: {
    title: "Conflitto con un'altra modifica",
    cause: "La richiesta è stata interrotta perché si è scontrata con un'altra modifica fatta nello stesso momento.",
    action:
      'Riprovi dopo una breve pausa con backoff esponenziale e jitter; di solito un tentativo successivo va a buon fine.',
  },
  RESOURCE_EXHAUSTED: {
    title: 'Risorsa esaurita',
    cause:
      "Durante l'elaborazione si è esaurita una quota o un'altra risorsa, di solito perché sono arrivate troppe richieste troppo in fretta.",
    action:
      "Riduca la frequenza delle richieste e le ripeta con backoff esponenziale e jitter. Se si tratta di una quota, può chiederne l'aumento nella console di Google Cloud.",
  },
  CANCELLED: {
    title: 'Richiesta annullata',
    cause:
      "La richiesta è stata annullata prima di concludersi, quasi sempre dall'app chiamante stessa con un abort o chiudendo la connessione.",
    action:
      "Se l'annullamento era voluto, non serve fare nulla. Altrimenti scopra perché l'app ha interrotto la chiamata e la invii di nuovo.",
  },
  DEADLINE_EXCEEDED: {
    title: 'Tempo scaduto',
    cause: 'Il server non è riuscito a completare la richiesta entro il tempo massimo previsto.',
    action:
      'Ritenti con backoff esponenziale e jitter; prima di ripetere una chiamata che crea qualcosa, verifichi che il primo tentativo non sia già andato a segno. Se i timeout continuano, alleggerisca le richieste, per esempio chiedendo meno elementi per pagina.',
  },
  UNIMPLEMENTED: {
    title: 'Non supportato',
    cause: "L'API non supporta questo metodo o questa combinazione di opzioni.",
    action:
      "Cerchi nel riferimento dell'API Classroom un modo supportato per ottenere lo stesso risultato. Riprovare non cambia nulla.",
  },
  INTERNAL: {
    title: 'Errore interno di Classroom',
    cause:
      "Qualcosa è andato storto all'interno di Classroom mentre elaborava la richiesta; non è detto che la colpa sia della richiesta stessa.",
    action:
      "Ritenti con backoff esponenziale e jitter, che di solito risolve. Se l'errore non scompare, lo segnali nell'Issue Tracker pubblico dell'API Classroom.",
  },
  UNAVAILABLE: {
    title: 'Servizio non disponibile',
    cause: 'Classroom al momento non riesce a gestire le richieste, per esempio per sovraccarico o manutenzione.',
    action: 'Attenda un momento e ritenti con backoff esponenziale e jitter.',
  },
  UNKNOWN: {
    title: 'Errore sconosciuto',
    cause: 'Il server ha segnalato un errore senza indicarne il tipo.',
    action:
      "Ritenti con backoff esponenziale e jitter. Se l'errore si ripresenta, registri la risposta completa e lo segnali.",
  },
  DATA_LOSS: {
    title: 'Perdita di dati',
    cause:
      "Il server riferisce che durante l'elaborazione della richiesta alcuni dati sono andati persi o si sono danneggiati.",
    action:
      "Non ritenti in automatico. Controlli l'elemento coinvolto e segnali il problema a Google allegando la risposta di errore completa.",
  },
  NetworkError: {
    title: 'Errore di rete',
    cause:
      "La connessione è caduta prima che Classroom rispondesse, per esempio per un'interruzione della linea, un errore DNS o un timeout.",
    action: 'Controlli la connessione di rete e ritenti con backoff esponenziale e jitter.',
  },
};
